package org.telenc.engine.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import java.util.Map;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.broker.BrokerIdentity;
import org.telenc.engine.broker.BrokerSecurity;
import org.telenc.engine.broker.TemporaryQueueOwners;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.routes.MessageHeaders;
import org.telenc.engine.tenancy.QueueProducer;

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

    /** The producer's clinic link (the message's only tenancy property: no secret travels). */
    public static final String ACCESS_TOKEN_REFERENCE_ID = "access_token_reference_id";
    /** Set by the broker when it removed credential properties from the message. */
    public static final String CREDENTIALS_IN_MESSAGE = BrokerSecurity.CREDENTIALS_IN_MESSAGE;
    public static final String JMSX_USER_ID = "JMSXUserID";
    public static final String REPLIES_PREFIX = BrokerSecurity.REPLIES_PREFIX;
    public static final String REJECTED_PREFIX = BrokerSecurity.REJECTED_PREFIX;
    /** Where a rejection goes when the broker named no producer (an external broker without JMSXUserID). */
    public static final String UNATTRIBUTED_REJECTIONS = BrokerSecurity.SUBMIT + ".rejected";

    private final ObjectMapper json;
    private final BrokerIdentity engine;
    private final TemporaryQueueOwners temporaryQueueOwners;

    public QueueIntake(ObjectMapper json, BrokerIdentity engineBrokerIdentity, TemporaryQueueOwners temporaryQueueOwners) {
        this.json = json;
        this.engine = engineBrokerIdentity;
        this.temporaryQueueOwners = temporaryQueueOwners;
    }

    /**
     * Who sent the message: the client the broker stamped (JMSXUserID, read from the JMS message
     * itself: the broker sets it from the login, whatever the producer put there), the clinic link
     * the message names, and a refusal when the message carries credentials (the broker removed
     * them) or a reply destination that is not the producer's own.
     */
    public QueueProducer producer(Exchange exchange) throws JMSException {
        // Camel reads JMSXUserID through the JMS getter, which answers the broker's stamp, never a
        // property of the same name a producer set
        String clientId = text(exchange.getIn().getHeader(JMSX_USER_ID));
        if (clientId != null && clientId.equals(engine.user())) {
            clientId = null; // the engine is no producer
        }
        String reference = text(exchange.getIn().getHeader(ACCESS_TOKEN_REFERENCE_ID));
        Map<String, Object> headers = exchange.getIn().getHeaders();
        ApiException refusal = null;
        if (headers.containsKey(CREDENTIALS_IN_MESSAGE) || headers.containsKey(MessageHeaders.CLIENT_SECRET)
                || headers.containsKey(MessageHeaders.ACCESS_TOKEN)) {
            refusal = new ApiException(400, "credentials_in_message",
                    "Credentials belong in the broker login, not in the message.");
        } else if (clientId != null && replyTo(exchange.getIn().getHeader(MessageHeaders.JMS_REPLY_TO, Destination.class), clientId) == null
                && exchange.getIn().getHeader(MessageHeaders.JMS_REPLY_TO) != null) {
            refusal = new ApiException(400, "invalid_reply_to", "The reply destination must be " + REPLIES_PREFIX
                    + "<client_id> or, on the engine's embedded broker, a temporary queue of the producer's connection.");
        }
        return new QueueProducer(clientId, reference == null || reference.isEmpty() ? null : reference, refusal);
    }

    /**
     * The reply destination if it is the producer's: a temporary destination a connection of this
     * client owns (the embedded broker knows each one's owner, and lets the engine write to one only
     * for the client whose connection owns it) or the client's own reply queue; anything else is
     * null, and the answer goes to the client's rejection queue. With an external broker no
     * temporary destination is the producer's: such a broker records no owner, so the engine could be
     * made to answer into a queue another connection reads (the prod overlay's broker gives producers
     * no temporary queues at all).
     */
    public Destination replyTo(Destination requested, String clientId) throws JMSException {
        if (requested == null || clientId == null) {
            return null;
        }
        if (requested instanceof TemporaryQueue || requested instanceof TemporaryTopic) {
            boolean own = temporaryQueueOwners.tracking()
                    && temporaryQueueOwners.ownerOf(requested).filter(clientId::equals).isPresent();
            return own ? requested : null;
        }
        if (requested instanceof Queue queue && !(requested instanceof TemporaryQueue)
                && queue.getQueueName().equals(REPLIES_PREFIX + clientId)) {
            return requested;
        }
        return null;
    }

    /** The reply destination to use for this message, or null (then a rejection is kept). */
    public Destination allowedReplyTo(@Header(MessageHeaders.JMS_REPLY_TO) Destination requested,
            @ExchangeProperty(ExchangeProperties.QUEUE_PRODUCER) QueueProducer producer) throws JMSException {
        return replyTo(requested, producer == null ? null : producer.clientId());
    }

    /** The producer's own rejection queue ({@code telephone-encounters.submit.rejected.<client_id>}). */
    public String rejectionQueue(@ExchangeProperty(ExchangeProperties.QUEUE_PRODUCER) QueueProducer producer) {
        return producer == null || producer.clientId() == null ? UNATTRIBUTED_REJECTIONS : REJECTED_PREFIX + producer.clientId();
    }

    /** The client a reply is for (the broker checks a temporary reply queue is that client's). */
    public String replyFor(@ExchangeProperty(ExchangeProperties.QUEUE_PRODUCER) QueueProducer producer) {
        return producer == null ? null : producer.clientId();
    }

    /**
     * Replaces the message's headers with the ones the intake route reads, and nothing else: no JMS
     * header and no credential reaches intake (the client is the broker's {@link QueueProducer}).
     */
    public void useIntakeHeaders(@Headers Map<String, Object> headers) {
        String key = text(headers.get(MessageHeaders.IDEMPOTENCY_KEY));
        if (key == null) {
            key = text(headers.get("idempotency_key"));
        }
        String messageId = text(headers.get(MessageHeaders.JMS_MESSAGE_ID));
        if (key == null && messageId != null && messageId.length() <= MAX_KEY_LENGTH - 4) {
            key = "jms:" + messageId;
        }
        headers.clear();
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
