package org.telenc.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.broker.BrokerService;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;

/**
 * MQ intake over AMQP 1.0 (what Node's rhea, Python's python-qpid-proton and .NET's
 * AMQPNetLite speak), with the Qpid JMS client over a real socket to the embedded broker's AMQP
 * connector. The producer logs in as its client (SASL PLAIN); the clinic link and the
 * Idempotency-Key are application properties; the answer goes to the message's {@code reply-to} with
 * the application property {@code status}, the request's {@code correlation-id} and
 * {@code request_message_id}; a rejection without {@code reply-to} goes to
 * {@code telephone-encounters.submit.rejected.<client_id>}.
 */
class AmqpIntakeTest extends EngineTest {

    static final String SUBMIT = "telephone-encounters.submit";
    static final String REJECTED = "telephone-encounters.submit.rejected." + CLIENT_ID;
    static final String VALID = StompIntakeTest.VALID;

    @Autowired
    BrokerService broker;
    @Autowired
    JdbcTemplate jdbc;

    Connection connection;
    Session session;

    @BeforeEach
    void connect() throws Exception {
        URI amqp = StompIntakeTest.connector(broker, "amqp");
        // the JMS API wants identifier-like property names; an AMQP producer may send Idempotency-Key
        connection = new JmsConnectionFactory("amqp://" + amqp.getHost() + ":" + amqp.getPort()
                + "?jms.validatePropertyNames=false&jms.requestTimeout=30000").createConnection(CLIENT_ID, CLIENT_SECRET);
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    <M extends Message> M withLink(M message, Map<String, String> extra) throws Exception {
        message.setStringProperty("access_token_reference_id", "demo-clinic");
        for (var p : extra.entrySet()) {
            message.setStringProperty(p.getKey(), p.getValue());
        }
        return message;
    }

    /** Sends with reply-to (a dynamic temporary queue) and a correlation id; returns the reply. */
    TextMessage call(Message message) throws Exception {
        TemporaryQueue replies = session.createTemporaryQueue();
        String correlation = "corr-" + UUID.randomUUID();
        message.setJMSReplyTo(replies);
        message.setJMSCorrelationID(correlation);
        session.createProducer(session.createQueue(SUBMIT)).send(message);
        try (MessageConsumer consumer = session.createConsumer(replies)) {
            Message reply = consumer.receive(20_000);
            assertThat(reply).as("a reply on reply-to").isInstanceOf(TextMessage.class);
            assertThat(reply.getJMSCorrelationID()).isEqualTo(correlation);
            assertThat(reply.getStringProperty("request_message_id")).isEqualTo(message.getJMSMessageID()).isNotEmpty();
            assertThat(Collections.list(reply.getPropertyNames())).doesNotContain("client_id", "client_secret", "access_token");
            return (TextMessage) reply;
        }
    }

    TextMessage call(String body, Map<String, String> extra) throws Exception {
        return call(withLink(session.createTextMessage(body), extra));
    }

    @Test
    void anAcceptedMessageIsRepliedToWithStatusAndCorrelationIdAndProcessed() throws Exception {
        TextMessage reply = call(VALID, Map.of());
        assertThat(reply.getIntProperty("status")).isEqualTo(200);
        JsonNode body = JSON.readTree(reply.getText());
        assertThat(body.path("success").asBoolean()).isTrue();
        String id = body.path("telephone_encounter_id").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        String event = receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText();
        assertThat(JSON.readTree(event).path("type").asText()).isEqualTo("telephone_encounter.created");
    }

    @Test
    void aDataSectionBodyIsReadAsUtf8Json() throws Exception {
        String json = VALID.replace("}", ",\"reason\":\"Nachfrage zur Dosis (Überweisung)\"}");
        BytesMessage bytes = session.createBytesMessage();
        bytes.writeBytes(json.getBytes(StandardCharsets.UTF_8));
        TextMessage reply = call(withLink(bytes, Map.of()));
        assertThat(reply.getIntProperty("status")).isEqualTo(200);
        String id = JSON.readTree(reply.getText()).path("telephone_encounter_id").asText();
        assertThat(jdbc.queryForObject("select payload from telephone_encounter_request where encounter_id = ?", String.class, id))
                .contains("Überweisung");
    }

    @Test
    void invalidRequestsAndBadCredentialsAreRepliedToWithTheHttpStatusAndBody() throws Exception {
        String invalid = "{\"patient_mrn\":\"100236\",\"provider_id\":\"99999\",\"location_id\":\"31\"}";
        var http = post("/v1/telephone-encounters", invalid);
        TextMessage rejected = call(invalid, Map.of());
        assertThat(rejected.getIntProperty("status")).isEqualTo(http.statusCode()).isEqualTo(400);
        assertThat(rejected.getText()).isEqualTo(http.body());

        TextMessage tokenInMessage = call(VALID, Map.of("access_token", ACCESS_TOKEN));
        assertThat(tokenInMessage.getIntProperty("status")).isEqualTo(400);
        assertThat(JSON.readTree(tokenInMessage.getText()).path("error").asText()).isEqualTo("credentials_in_message");
    }

    @Test
    void aRejectedMessageWithoutReplyToGoesToTheClientsRejectionQueueWithItsErrorAndWithoutTheRequest() throws Exception {
        String marker = UUID.randomUUID().toString();
        String invalid = Json.object("patient_mrn", "100236", "provider_id", "12241", "location_id", "31", "marker", marker);
        TextMessage sent = withLink(session.createTextMessage(invalid), Map.of());
        sent.setJMSCorrelationID("corr-" + marker);
        session.createProducer(session.createQueue(SUBMIT)).send(sent);
        try (MessageConsumer rejected = session.createConsumer(session.createQueue(REJECTED),
                "JMSCorrelationID = 'corr-" + marker + "'")) {
            Message message = rejected.receive(20_000);
            assertThat(message).as("the rejection").isInstanceOf(TextMessage.class);
            TextMessage kept = (TextMessage) message;
            assertThat(kept.getIntProperty("status")).isEqualTo(400);
            assertThat(kept.getStringProperty("request_message_id")).isEqualTo(sent.getJMSMessageID());
            JsonNode error = JSON.readTree(kept.getText());
            assertThat(kept.getStringProperty("error")).isEqualTo(error.path("error").asText()).isNotEmpty();
            assertThat(kept.getText()).doesNotContain(marker).doesNotContain("100236");
            assertThat(Collections.list(kept.getPropertyNames())).doesNotContain("client_id", "client_secret", "access_token");
        }
    }

    @Test
    void aDuplicateIdempotencyKeyPropertyReplaysTheFirstAnswerAndStoresNothingNew() throws Exception {
        for (String property : new String[] {"Idempotency-Key", "idempotency_key"}) {
            String key = "amqp-" + UUID.randomUUID();
            TextMessage first = call(VALID, Map.of(property, key));
            assertThat(first.getIntProperty("status")).isEqualTo(200);
            int stored = jdbc.queryForObject("select count(*) from telephone_encounter", Integer.class);
            TextMessage again = call(VALID, Map.of(property, key));
            assertThat(again.getText()).isEqualTo(first.getText());
            assertThat(jdbc.queryForObject("select count(*) from telephone_encounter", Integer.class)).isEqualTo(stored);
            TextMessage reused = call(VALID.replace("100236", "100234"), Map.of(property, key));
            assertThat(reused.getIntProperty("status")).isEqualTo(422);
            assertThat(JSON.readTree(reused.getText()).path("error").asText()).isEqualTo("idempotency_key_reused");
        }
    }
}
