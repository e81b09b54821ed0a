package org.telenc.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.TransportConnector;
import org.apache.activemq.transport.stomp.StompConnection;
import org.apache.activemq.transport.stomp.StompFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;

/**
 * MQ intake over STOMP (what Python's stomp.py, Node's stompit and .NET's Apache.NMS.Stomp
 * speak), with ActiveMQ's own STOMP client over a real socket to the embedded broker's STOMP
 * connector. Same semantics as OpenWire: credentials and the Idempotency-Key as frame headers, the
 * answer on {@code reply-to} with the {@code status} header and the request's {@code correlation-id},
 * a rejection without {@code reply-to} kept on {@code telephone-encounters.submit.rejected}.
 */
class StompIntakeTest extends EngineTest {

    static final String SUBMIT = "/queue/telephone-encounters.submit";
    static final String REJECTED = "/queue/telephone-encounters.submit.rejected";
    static final String VALID = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}";

    @Autowired
    BrokerService broker;
    @Autowired
    JdbcTemplate jdbc;

    StompConnection stomp;

    static URI connector(BrokerService broker, String scheme) throws Exception {
        for (TransportConnector connector : broker.getTransportConnectors()) {
            URI uri = connector.getConnectUri();
            if (uri.getScheme().equals(scheme)) {
                return uri;
            }
        }
        throw new AssertionError("no " + scheme + " connector on the embedded broker");
    }

    @BeforeEach
    void connect() throws Exception {
        URI uri = connector(broker, "stomp");
        stomp = new StompConnection();
        stomp.open(uri.getHost(), uri.getPort());
        stomp.connect("producer", "unused-on-the-embedded-broker");
    }

    @AfterEach
    void close() throws Exception {
        stomp.disconnect();
        stomp.close();
    }

    static HashMap<String, String> credentials() {
        HashMap<String, String> headers = new HashMap<>();
        headers.put("client_id", CLIENT_ID);
        headers.put("client_secret", CLIENT_SECRET);
        headers.put("access_token", ACCESS_TOKEN);
        headers.put("persistent", "true");
        return headers;
    }

    /** SEND with reply-to and correlation-id; returns the reply frame (checked for the correlation id). */
    StompFrame call(String body, Map<String, String> extra) throws Exception {
        String replies = "/temp-queue/replies-" + UUID.randomUUID();
        String correlation = "corr-" + UUID.randomUUID();
        stomp.subscribe(replies, "auto");
        HashMap<String, String> headers = credentials();
        headers.putAll(extra);
        headers.put("reply-to", replies);
        headers.put("correlation-id", correlation);
        stomp.send(SUBMIT, body, null, headers);
        StompFrame reply = stomp.receive(20_000);
        assertThat(reply.getAction()).as(reply.toString()).isEqualTo("MESSAGE");
        assertThat(reply.getHeaders()).containsEntry("correlation-id", correlation);
        assertThat(reply.getHeaders()).doesNotContainKeys("client_id", "client_secret", "access_token");
        stomp.unsubscribe(replies);
        return reply;
    }

    @Test
    void anAcceptedFrameIsRepliedToWithStatusAndCorrelationIdAndProcessed() throws Exception {
        StompFrame reply = call(VALID, Map.of());
        assertThat(reply.getHeaders()).containsEntry("status", "200");
        JsonNode body = JSON.readTree(reply.getBody());
        assertThat(body.path("success").asBoolean()).isTrue();
        String id = body.path("telephone_encounter_id").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        String event = receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText();
        assertThat(JSON.readTree(event).path("type").asText()).isEqualTo("telephone_encounter.created");
    }

    @Test
    void aFrameWithContentLengthArrivesAsBytesAndIsReadAsUtf8Json() throws Exception {
        // stomp.py and most clients send content-length: the broker then makes a BytesMessage
        String body = VALID.replace("}", ",\"reason\":\"Nachfrage zur Dosis (Überweisung)\"}");
        StompFrame reply = call(body, Map.of("content-length", String.valueOf(body.getBytes(StandardCharsets.UTF_8).length)));
        assertThat(reply.getHeaders()).containsEntry("status", "200");
        String id = JSON.readTree(reply.getBody()).path("telephone_encounter_id").asText();
        assertThat(jdbc.queryForObject("select payload from telephone_encounter_request where encounter_id = ?", String.class, id))
                .contains("Überweisung");
    }

    @Test
    void invalidRequestsAndBadCredentialsAreRepliedToWithTheHttpStatusAndBody() throws Exception {
        String invalid = "{\"patient_mrn\":\"100236\",\"provider_id\":\"99999\",\"location_id\":\"31\"}";
        var http = post("/v1/telephone-encounters", invalid);
        StompFrame rejected = call(invalid, Map.of());
        assertThat(rejected.getHeaders()).containsEntry("status", String.valueOf(http.statusCode()));
        assertThat(http.statusCode()).isEqualTo(400);
        assertThat(rejected.getBody()).isEqualTo(http.body());

        StompFrame badSecret = call(VALID, Map.of("client_secret", "wrong"));
        assertThat(badSecret.getHeaders()).containsEntry("status", "401");
        assertThat(JSON.readTree(badSecret.getBody()).path("error").asText()).isEqualTo("invalid_client_credentials");
    }

    @Test
    void aRejectedFrameWithoutReplyToIsKeptOnTheRejectedQueueWithoutCredentials() throws Exception {
        String invalid = Json.object("patient_mrn", "100236", "provider_id", "12241", "location_id", "31",
                "marker", UUID.randomUUID().toString());
        stomp.subscribe(REJECTED, "auto");
        stomp.send(SUBMIT, invalid, null, credentials());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        StompFrame kept = null;
        while (kept == null && System.nanoTime() < deadline) {
            StompFrame frame = stomp.receive(20_000);
            if (frame.getBody().equals(invalid)) {
                kept = frame;
            }
        }
        assertThat(kept).as("the rejected copy").isNotNull();
        assertThat(kept.getHeaders()).containsEntry("status", "400").containsKey("error_body")
                .doesNotContainKeys("client_id", "client_secret", "access_token");
        JsonNode error = JSON.readTree(kept.getHeaders().get("error_body"));
        assertThat(kept.getHeaders().get("error")).isEqualTo(error.path("error").asText()).isNotEmpty();
        stomp.unsubscribe(REJECTED);
    }

    @Test
    void aDuplicateIdempotencyKeyHeaderReplaysTheFirstAnswerAndStoresNothingNew() throws Exception {
        for (String header : new String[] {"Idempotency-Key", "idempotency_key"}) {
            String key = "stomp-" + UUID.randomUUID();
            StompFrame first = call(VALID, Map.of(header, key));
            assertThat(first.getHeaders()).containsEntry("status", "200");
            int stored = jdbc.queryForObject("select count(*) from telephone_encounter", Integer.class);
            StompFrame again = call(VALID, Map.of(header, key));
            assertThat(again.getBody()).isEqualTo(first.getBody());
            assertThat(jdbc.queryForObject("select count(*) from telephone_encounter", Integer.class)).isEqualTo(stored);
            StompFrame reused = call(VALID.replace("100236", "100234"), Map.of(header, key));
            assertThat(reused.getHeaders()).containsEntry("status", "422");
            assertThat(JSON.readTree(reused.getBody()).path("error").asText()).isEqualTo("idempotency_key_reused");
        }
    }
}
