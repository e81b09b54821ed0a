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
 * connector. Credentials and the Idempotency-Key are application properties; the answer goes to the
 * message's {@code reply-to} with the application property {@code status} and the request's
 * {@code correlation-id}; a rejection without {@code reply-to} is kept on
 * {@code telephone-encounters.submit.rejected}.
 */
class AmqpIntakeTest extends EngineTest {

    static final String SUBMIT = "telephone-encounters.submit";
    static final String REJECTED = "telephone-encounters.submit.rejected";
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
                + "?jms.validatePropertyNames=false&jms.requestTimeout=30000").createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    <M extends Message> M withCredentials(M message, Map<String, String> extra) throws Exception {
        message.setStringProperty("client_id", CLIENT_ID);
        message.setStringProperty("client_secret", CLIENT_SECRET);
        message.setStringProperty("access_token", ACCESS_TOKEN);
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
            assertThat(Collections.list(reply.getPropertyNames())).doesNotContain("client_id", "client_secret", "access_token");
            return (TextMessage) reply;
        }
    }

    TextMessage call(String body, Map<String, String> extra) throws Exception {
        return call(withCredentials(session.createTextMessage(body), extra));
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
        TextMessage reply = call(withCredentials(bytes, Map.of()));
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

        TextMessage badSecret = call(VALID, Map.of("client_secret", "wrong"));
        assertThat(badSecret.getIntProperty("status")).isEqualTo(401);
        assertThat(JSON.readTree(badSecret.getText()).path("error").asText()).isEqualTo("invalid_client_credentials");
    }

    @Test
    void aRejectedMessageWithoutReplyToIsKeptOnTheRejectedQueueWithoutCredentials() throws Exception {
        String invalid = Json.object("patient_mrn", "100236", "provider_id", "12241", "location_id", "31",
                "marker", UUID.randomUUID().toString());
        session.createProducer(session.createQueue(SUBMIT)).send(withCredentials(session.createTextMessage(invalid), Map.of()));
        try (MessageConsumer rejected = session.createConsumer(session.createQueue(REJECTED))) {
            TextMessage kept = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (kept == null && System.nanoTime() < deadline) {
                Message message = rejected.receive(20_000);
                if (message instanceof TextMessage text && text.getText().equals(invalid)) {
                    kept = text;
                }
            }
            assertThat(kept).as("the rejected copy").isNotNull();
            assertThat(kept.getIntProperty("status")).isEqualTo(400);
            JsonNode error = JSON.readTree(kept.getStringProperty("error_body"));
            assertThat(kept.getStringProperty("error")).isEqualTo(error.path("error").asText()).isNotEmpty();
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
