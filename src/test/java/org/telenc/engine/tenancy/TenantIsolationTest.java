package org.telenc.engine.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.WebhookReceiver;
import org.telenc.engine.support.Json;

/**
 * A client can never read or affect another client's encounters, events or webhooks, even on the
 * same clinic connection and knowing the other's ids: every attempt answers as if the id did not
 * exist, and changes nothing.
 */
class TenantIsolationTest extends EngineTest {

    static final String BODY = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}";

    @Autowired
    TenancyRepository tenancy;
    @Autowired
    JdbcTemplate jdbc;

    String otherClient;
    String otherSecret;
    String otherToken;

    @BeforeEach
    void anotherClientOnTheSameClinic() {
        otherClient = "tenant-b-" + UUID.randomUUID();
        otherSecret = "secret-" + UUID.randomUUID();
        otherToken = "token-" + UUID.randomUUID();
        var demo = tenancy.findToken(Secrets.sha256Hex(ACCESS_TOKEN)).orElseThrow();
        String clientPk = Secrets.newId();
        tenancy.insertClient(clientPk, otherClient, Secrets.sha256Hex(otherSecret), "Tenant B");
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex(otherToken), clientPk, demo.connectionId(), "12222", "tenant-b");
    }

    HttpResponse<String> asOther(String method, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").header("client_id", otherClient)
                .header("client_secret", otherSecret).header("access_token", otherToken)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> asDemo(String method, String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET)
                .header("access_token", ACCESS_TOKEN).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void anotherClientsEncounterEventsAndWebhooksAreInvisibleAndUntouchable() throws Exception {
        // tenant B: a webhook and an encounter that ended with an event
        try (WebhookReceiver bReceiver = new WebhookReceiver()) {
            JsonNode registered = JSON.readTree(asOther("POST", "/v1/webhook", Json.object("webhook_url", bReceiver.url())).body());
            String bWebhook = registered.path("webhook_id").asText();
            JsonNode accepted = JSON.readTree(asOther("POST", "/v1/telephone-encounters", BODY).body());
            String bEncounter = accepted.path("telephone_encounter_id").asText();
            String bJob = accepted.path("job_id").asText();
            String bEvent = JSON.readTree(bReceiver.awaitOne(b -> b.contains(bEncounter), Duration.ofSeconds(30)).bodyText())
                    .path("id").asText();

            // the demo client knows all of B's ids and tries everything
            HttpResponse<String> read = asDemo("GET", "/v1/telephone-encounters/" + bEncounter);
            assertThat(read.statusCode()).isEqualTo(404);
            assertThat(read.body()).doesNotContain(bEncounter).doesNotContain(bJob);

            JsonNode events = JSON.readTree(asDemo("GET", "/v1/webhook-events?job_id=" + bJob).body());
            assertThat(events.path("webhook_events")).isEmpty();
            assertThat(asDemo("GET", "/v1/webhook-events?page_size=100").body()).doesNotContain(bEvent);

            assertThat(asDemo("GET", "/v1/webhook").body()).doesNotContain(bReceiver.url()).doesNotContain(bWebhook);
            assertThat(asDemo("DELETE", "/v1/webhook/" + bWebhook).statusCode()).isEqualTo(404);
            assertThat(asDemo("POST", "/v1/webhook/" + bWebhook + "/rotate-secret").statusCode()).isEqualTo(404);
            assertThat(asDemo("POST", "/v1/webhook-events/" + bEvent + "/resend").statusCode()).isEqualTo(404);

            // nothing changed for B: its URL is enabled, its secret unrotated, its event sent once
            assertThat(jdbc.queryForObject("select status from webhook_endpoint where id = ?", String.class, bWebhook))
                    .isEqualTo("enabled");
            assertThat(jdbc.queryForObject("select previous_secret from webhook_endpoint where id = ?", String.class, bWebhook))
                    .isNull();
            // held for 1 s: a second delivery of B's event would show in this window
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> bReceiver.received().stream().filter(r -> r.bodyText().contains(bEncounter)).count() == 1);
            // and B's event never went to the demo client's URL
            assertThat(receiver.received().stream().anyMatch(r -> r.bodyText().contains(bEncounter))).isFalse();
        }
    }

    @Test
    void anotherClientsAccessTokenIsRefusedEvenWithValidCredentials() throws Exception {
        HttpResponse<String> borrowed = send(HttpRequest.newBuilder(uri("/v1/telephone-encounters"))
                .header("Content-Type", "application/json").header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET)
                .header("access_token", otherToken).POST(HttpRequest.BodyPublishers.ofString(BODY)));
        assertThat(borrowed.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(borrowed.body()).path("error").asText()).isEqualTo("invalid_access_token");
    }

    @Test
    void idempotencyKeysDoNotReplayAcrossClients() throws Exception {
        String key = "shared-" + UUID.randomUUID();
        HttpResponse<String> mine = send(HttpRequest.newBuilder(uri("/v1/telephone-encounters"))
                .header("Content-Type", "application/json").header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET)
                .header("access_token", ACCESS_TOKEN).header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(BODY)));
        HttpResponse<String> theirs = send(HttpRequest.newBuilder(uri("/v1/telephone-encounters"))
                .header("Content-Type", "application/json").header("client_id", otherClient).header("client_secret", otherSecret)
                .header("access_token", otherToken).header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(BODY)));
        assertThat(mine.statusCode()).isEqualTo(200);
        assertThat(theirs.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(theirs.body()).path("telephone_encounter_id").asText())
                .isNotEqualTo(JSON.readTree(mine.body()).path("telephone_encounter_id").asText());
    }
}
