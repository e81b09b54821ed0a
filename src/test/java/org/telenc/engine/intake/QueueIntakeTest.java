package org.telenc.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.tenancy.TenancyRepository;
import org.telenc.engine.support.Json;

/**
 * docs/api.md "Message-queue intake" with a plain JMS producer over the embedded broker's TCP connector: same
 * validation as HTTP, replies to JMSReplyTo with the HTTP body and status, rejected messages kept.
 */
class QueueIntakeTest extends EngineTest {

    static final String SUBMIT = "telephone-encounters.submit";
    static final String REJECTED = "telephone-encounters.submit.rejected";
    static final String VALID = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}";

    @Autowired
    BrokerService broker;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TenancyRepository tenancy;

    Connection connection;
    Session session;

    @BeforeEach
    void connect() throws Exception {
        String tcp = broker.getTransportConnectors().get(0).getPublishableConnectString();
        assertThat(tcp).startsWith("tcp://");
        connection = new ActiveMQConnectionFactory(tcp).createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    TextMessage request(String body, Map<String, String> properties) throws Exception {
        TextMessage message = session.createTextMessage(body);
        message.setStringProperty("client_id", CLIENT_ID);
        message.setStringProperty("client_secret", CLIENT_SECRET);
        message.setStringProperty("access_token", ACCESS_TOKEN);
        for (var p : properties.entrySet()) {
            if (p.getValue() == null) {
                message.clearProperties(); // rebuild without the removed one
                for (var q : Map.of("client_id", CLIENT_ID, "client_secret", CLIENT_SECRET, "access_token", ACCESS_TOKEN).entrySet()) {
                    if (!q.getKey().equals(p.getKey())) {
                        message.setStringProperty(q.getKey(), q.getValue());
                    }
                }
            } else {
                message.setStringProperty(p.getKey(), p.getValue());
            }
        }
        return message;
    }

    /** Sends with a temporary reply queue and a correlation id; returns the reply. */
    TextMessage call(TextMessage message) throws Exception {
        Destination replies = session.createTemporaryQueue();
        String correlation = "corr-" + UUID.randomUUID();
        message.setJMSReplyTo(replies);
        message.setJMSCorrelationID(correlation);
        session.createProducer(session.createQueue(SUBMIT)).send(message);
        try (MessageConsumer consumer = session.createConsumer(replies)) {
            Message reply = consumer.receive(20_000);
            assertThat(reply).as("a reply on JMSReplyTo").isInstanceOf(TextMessage.class);
            assertThat(reply.getJMSCorrelationID()).isEqualTo(correlation);
            return (TextMessage) reply;
        }
    }

    @Test
    void aValidMessageIsAcceptedRepliedToAndProcessedLikeAnHttpCall() throws Exception {
        TextMessage reply = call(request(VALID, Map.of()));
        assertThat(reply.getIntProperty("status")).isEqualTo(200);
        JsonNode body = JSON.readTree(reply.getText());
        assertThat(body.path("success").asBoolean()).isTrue();
        String id = body.path("telephone_encounter_id").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(body.path("job_id").asText()).isNotEmpty();
        assertThat(Collections.list(reply.getPropertyNames())).containsExactly("status");
        String event = receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText();
        assertThat(JSON.readTree(event).path("type").asText()).isEqualTo("telephone_encounter.created");
    }

    @Test
    void aConnectionTypeWithoutAdapterIsUnsupportedEmrOverTheQueueToo() throws Exception {
        // such a connection never syncs: no user list, and still unsupported_emr rather than user_not_found
        if (tenancy.findConnectionIdByName("queue-never-synced-clinic").isEmpty()) {
            String connection = Secrets.newId();
            tenancy.insertConnection(connection, "queue-never-synced-clinic", "athenahealth", "https://athena.invalid", null);
            tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex("queue-token-never-synced"),
                    tenancy.findClient(CLIENT_ID).orElseThrow().id(), connection, "u1", "athena");
        }
        TextMessage reply = call(request(VALID, Map.of("access_token", "queue-token-never-synced")));
        assertThat(reply.getIntProperty("status")).as(reply.getText()).isEqualTo(400);
        assertThat(JSON.readTree(reply.getText()).path("error").asText()).isEqualTo("unsupported_emr");
    }

    @Test
    void rejectionsReplyWithTheHttpBodyAndStatus() throws Exception {
        String invalid = "{\"patient_mrn\":\"100236\",\"provider_id\":\"99999\",\"location_id\":\"31\"}";
        HttpResponse<String> http = post("/v1/telephone-encounters", invalid);
        TextMessage reply = call(request(invalid, Map.of()));
        assertThat(reply.getIntProperty("status")).isEqualTo(http.statusCode()).isEqualTo(400);
        assertThat(reply.getText()).isEqualTo(http.body());

        TextMessage badSecret = call(request(VALID, Map.of("client_secret", "wrong")));
        assertThat(badSecret.getIntProperty("status")).isEqualTo(401);
        assertThat(JSON.readTree(badSecret.getText()).path("error").asText()).isEqualTo("invalid_client_credentials");

        TextMessage noToken = call(request(VALID, Collections.singletonMap("access_token", null)));
        assertThat(noToken.getIntProperty("status")).isEqualTo(401);
        assertThat(JSON.readTree(noToken.getText()).path("error").asText()).isEqualTo("invalid_access_token");

        TextMessage notJson = call(request("{\"patient_mrn\": ", Map.of()));
        assertThat(notJson.getIntProperty("status")).isEqualTo(400);
        assertThat(JSON.readTree(notJson.getText()).path("success").asBoolean()).isFalse();
    }

    @Test
    void aRejectedMessageWithoutReplyToIsKeptWithItsErrorAndWithoutCredentials() throws Exception {
        String invalid = Json.object("patient_mrn", "100236", "provider_id", "12241", "location_id", "31",
                "marker", UUID.randomUUID().toString());
        session.createProducer(session.createQueue(SUBMIT)).send(request(invalid, Map.of()));
        try (MessageConsumer rejected = session.createConsumer(session.createQueue(REJECTED))) {
            TextMessage kept = (TextMessage) rejected.receive(20_000);
            assertThat(kept).as("the rejected copy").isNotNull();
            assertThat(kept.getText()).isEqualTo(invalid);
            assertThat(kept.getIntProperty("status")).isEqualTo(400);
            JsonNode error = JSON.readTree(kept.getStringProperty("error_body"));
            assertThat(error.path("success").asBoolean()).isFalse();
            assertThat(kept.getStringProperty("error")).isEqualTo(error.path("error").asText()).isNotEmpty();
            List<Object> names = Collections.list(kept.getPropertyNames());
            assertThat(names).doesNotContain("client_secret", "access_token", "client_id");
        }
    }

    @Test
    void anAcceptedMessageWithoutReplyToIsProcessedAndNotRejected() throws Exception {
        String marker = Json.object("patient_mrn", "100236", "provider_id", "12242", "location_id", "32", "assigned_to_id", "12220",
                "reason", "mq " + UUID.randomUUID());
        int before = jdbc.queryForObject("select count(*) from telephone_encounter", Integer.class);
        session.createProducer(session.createQueue(SUBMIT)).send(request(marker, Map.of()));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.queryForObject("select count(*) from telephone_encounter", Integer.class) != before);
        assertThat(jdbc.queryForObject("select count(*) from telephone_encounter", Integer.class)).isEqualTo(before + 1);
        try (MessageConsumer rejected = session.createConsumer(session.createQueue(REJECTED))) {
            Message kept;
            while ((kept = rejected.receive(300)) != null) {
                assertThat(((TextMessage) kept).getText()).isNotEqualTo(marker);
            }
        }
    }

    @Test
    void theIdempotencyKeyPropertyReplaysTheFirstAnswer() throws Exception {
        for (String property : List.of("idempotency_key", "Idempotency-Key")) {
            String key = "mq-" + UUID.randomUUID();
            TextMessage first = call(request(VALID, Map.of(property, key)));
            TextMessage again = call(request(VALID, Map.of(property, key)));
            assertThat(first.getIntProperty("status")).isEqualTo(200);
            assertThat(again.getText()).isEqualTo(first.getText());
            TextMessage reused = call(request(VALID.replace("100236", "100234"), Map.of(property, key)));
            assertThat(reused.getIntProperty("status")).isEqualTo(422);
            assertThat(JSON.readTree(reused.getText()).path("error").asText()).isEqualTo("idempotency_key_reused");
        }
    }
}
