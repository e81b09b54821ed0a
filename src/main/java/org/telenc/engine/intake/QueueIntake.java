package org.telenc.engine.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.springframework.stereotype.Component;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.routes.MessageHeaders;

/**
 * docs/api.md "Message-queue intake": the message-queue twin of {@code POST /v1/telephone-encounters}. The message
 * runs the same intake route as the HTTP call; this bean maps the JMS properties onto the headers
 * that route reads and turns its HTTP answer into a reply or a rejected-message copy.
 *
 * <p>JMS property names cannot carry a hyphen in every client, so the Idempotency-Key is read from
 * {@code Idempotency-Key}, {@code Idempotency_HYPHEN_Key} (Camel's encoding, decoded on arrival) or
 * {@code idempotency_key}. Without one, the JMS message id is the key: a message the broker
 * redelivers after a crash is answered with the ids it already got, never accepted twice.
 */
@Component("queueIntake")
public class QueueIntake implements AggregationStrategy {

    private static final int MAX_KEY_LENGTH = 255;

    private final ObjectMapper json;

    public QueueIntake(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Replaces the message's headers with the ones the intake route reads, and nothing else: no JMS
     * header reaches intake, and the credentials do not travel on with the reply.
     */
    public void useIntakeHeaders(@Headers Map<String, Object> headers) {
        String clientId = text(headers.get(MessageHeaders.CLIENT_ID));
        String clientSecret = text(headers.get(MessageHeaders.CLIENT_SECRET));
        String accessToken = text(headers.get(MessageHeaders.ACCESS_TOKEN));
        String key = text(headers.get(MessageHeaders.IDEMPOTENCY_KEY));
        if (key == null) {
            key = text(headers.get("idempotency_key"));
        }
        String messageId = text(headers.get(MessageHeaders.JMS_MESSAGE_ID));
        if (key == null && messageId != null && messageId.length() <= MAX_KEY_LENGTH - 4) {
            key = "jms:" + messageId;
        }
        headers.clear();
        put(headers, MessageHeaders.CLIENT_ID, clientId);
        put(headers, MessageHeaders.CLIENT_SECRET, clientSecret);
        put(headers, MessageHeaders.ACCESS_TOKEN, accessToken);
        put(headers, MessageHeaders.IDEMPOTENCY_KEY, key);
    }

    /** The reply's correlation id: the request's, else its message id (the JMS request/reply idiom). */
    public String correlationId(@Header(MessageHeaders.JMS_CORRELATION_ID) String correlationId, @Header(MessageHeaders.JMS_MESSAGE_ID) String messageId) {
        return correlationId != null && !correlationId.isEmpty() ? correlationId : messageId;
    }

    /** The error code of a rejection body ({@code error}), for the rejected queue's properties. */
    public String errorCode(@Body String responseJson) {
        try {
            return json.readTree(responseJson).path("error").asText(null);
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Enrich strategy: keeps the intake answer (body and status) on the queue exchange. The intake
     * route ran on a copy, so its own error handling and stops end there and not in the queue route.
     */
    @Override
    public Exchange aggregate(Exchange original, Exchange intake) {
        original.setProperty(ExchangeProperties.INTAKE_STATUS, intake.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 500, Integer.class));
        original.getMessage().setBody(intake.getMessage().getBody(String.class));
        return original;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static void put(Map<String, Object> headers, String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
    }
}
