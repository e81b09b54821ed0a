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
import java.util.HashMap;
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
 * docs/api.md "Message-queue intake" with a plain JMS producer over the embedded broker's TCP connector, logged in
 * as its client: same validation as HTTP, replies to JMSReplyTo with the HTTP body and status, the
 * correlation id and the request's message id, rejections kept on the client's own rejection queue
 * with the error body and never the request body.
 */
class QueueIntakeTest extends EngineTest {

    static final String SUBMIT = "telephone-encounters.submit";
    static final String REJECTED = "telephone-encounters.submit.rejected." + CLIENT_ID;
    static final String LINK = "demo-clinic";
    static final String VALID = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}";

    @Autowired
    BrokerService broker;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TenancyRepository tenancy;

    Connection connection;
    Session session;

    static String tcp(BrokerService broker) throws Exception {
        String tcp = broker.getTransportConnectors().get(0).getPublishableConnectString();
        assertThat(tcp).startsWith("tcp://");
        return tcp;
    }

    @BeforeEach
    void connect() throws Exception {
        connection = new ActiveMQConnectionFactory(CLIENT_ID, CLIENT_SECRET, tcp(broker)).createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    /** A request naming the demo link; a null value leaves that property out. */
    TextMessage request(String body, Map<String, String> properties) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("access_token_reference_id", LINK));
        all.putAll(properties);
        TextMessage message = session.createTextMessage(body);
        for (var p : all.entrySet()) {
            if (p.getValue() != null) {
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
            assertThat(reply.getStringProperty("request_message_id")).isEqualTo(message.getJMSMessageID()).isNotEmpty();
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
        assertThat(Collections.list(reply.getPropertyNames()))
                .containsExactlyInAnyOrder("status", "request_message_id", "reply_for_client", "JMSXUserID");
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
        TextMessage reply = call(request(VALID, Map.of("access_token_reference_id", "athena")));
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

        TextMessage unknownLink = call(request(VALID, Map.of("access_token_reference_id", "no-such-link")));
        assertThat(unknownLink.getIntProperty("status")).isEqualTo(401);
        assertThat(JSON.readTree(unknownLink.getText()).path("error").asText()).isEqualTo("invalid_access_token");

        TextMessage notJson = call(request("{\"patient_mrn\": ", Map.of()));
        assertThat(notJson.getIntProperty("status")).isEqualTo(400);
        assertThat(JSON.readTree(notJson.getText()).path("success").asBoolean()).isFalse();
    }

    @Test
    void credentialsInTheMessageAreRefusedAndNeverReachTheReply() throws Exception {
        for (String property : List.of("client_secret", "access_token", "Access-Token", "CLIENT_SECRET")) {
            TextMessage reply = call(request(VALID, Map.of(property, CLIENT_SECRET)));
            assertThat(reply.getIntProperty("status")).as(property).isEqualTo(400);
            assertThat(JSON.readTree(reply.getText()).path("error").asText()).isEqualTo("credentials_in_message");
            assertThat(Collections.list(reply.getPropertyNames())).doesNotContain(property);
        }
    }

    @Test
    void aRejectedMessageWithoutReplyToGoesToTheClientsQueueWithItsErrorAndWithoutTheRequest() throws Exception {
        String marker = UUID.randomUUID().toString();
        String invalid = Json.object("patient_mrn", "100236", "provider_id", "12241", "location_id", "31", "marker", marker);
        TextMessage sent = request(invalid, Map.of());
        String correlation = "corr-" + marker;
        sent.setJMSCorrelationID(correlation);
        session.createProducer(session.createQueue(SUBMIT)).send(sent);
        try (MessageConsumer rejected = session.createConsumer(session.createQueue(REJECTED),
                "JMSCorrelationID = '" + correlation + "'")) {
            TextMessage kept = (TextMessage) rejected.receive(20_000);
            assertThat(kept).as("the rejected copy").isNotNull();
            assertThat(kept.getIntProperty("status")).isEqualTo(400);
            assertThat(kept.getStringProperty("request_message_id")).isEqualTo(sent.getJMSMessageID());
            JsonNode error = JSON.readTree(kept.getText());
            assertThat(error.path("success").asBoolean()).isFalse();
            assertThat(kept.getStringProperty("error")).isEqualTo(error.path("error").asText()).isNotEmpty();
            assertThat(kept.getText()).doesNotContain(marker).doesNotContain("100236");
            assertThat(Collections.list(kept.getPropertyNames())).doesNotContain("client_secret", "access_token");
        }
    }

    @Test
    void anAcceptedMessageWithoutReplyToIsProcessedAndNotRejected() throws Exception {
        String marker = "mq " + UUID.randomUUID();
        String body = JSON.writeValueAsString(Map.of("patient_mrn", "100236", "provider_id", "12242", "location_id", "32",
                "assigned_to_id", "12220", "reason", marker));
        TextMessage sent = request(body, Map.of());
        sent.setJMSCorrelationID("corr-" + marker);
        session.createProducer(session.createQueue(SUBMIT)).send(sent);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "select count(*) from telephone_encounter_request where payload like ?", Integer.class, "%" + marker + "%") == 1);
        try (MessageConsumer rejected = session.createConsumer(session.createQueue(REJECTED),
                "JMSCorrelationID = 'corr-" + marker + "'")) {
            assertThat(rejected.receive(300)).isNull();
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
