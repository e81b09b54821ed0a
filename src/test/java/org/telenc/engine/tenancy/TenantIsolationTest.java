package org.telenc.engine.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.Communication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
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
    @Autowired
    SandboxFhirStore emr;

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

    @AfterEach
    void defaultConnectionSettings() {
        jdbc.update("update emr_connection set settings = null where name = ?", DemoTenant.CONNECTION_NAME);
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

    /** The notes the sandbox EMR holds on an encounter. */
    List<Communication> notesOn(String emrAppointmentId) {
        return emr.find(Communication.class, c -> ("Encounter/" + emrAppointmentId).equals(c.getEncounter().getReference()));
    }

    /** The terminal event of an action the demo client posted, as its receiver got it. */
    JsonNode demoAction(String emrAppointmentId) throws Exception {
        HttpResponse<String> accepted = post("/v1/telephone-encounters/actions",
                JSON.createObjectNode().put("emr_appointment_id", emrAppointmentId).put("text", "Called back").toString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String actionId = JSON.readTree(accepted.body()).path("action_id").asText();
        return JSON.readTree(receiver.awaitOne(b -> b.contains(actionId), Duration.ofSeconds(30)).bodyText());
    }

    /** The parts of an action's failed event that do not name the action: they must not tell one case from another. */
    static JsonNode outcome(JsonNode event) {
        var data = (com.fasterxml.jackson.databind.node.ObjectNode) event.path("data").deepCopy();
        data.remove(List.of("action_id", "emr_appointment_id"));
        return JSON.createObjectNode().put("type", event.path("type").asText()).set("data", data);
    }

    @Test
    void anotherClientsEncounterTakesNoActionAndLooksLikeOneTheEmrDoesNotHave() throws Exception {
        JsonNode accepted = JSON.readTree(asOther("POST", "/v1/telephone-encounters", BODY).body());
        String bEncounter = accepted.path("telephone_encounter_id").asText();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(jdbc.queryForObject(
                "select status from telephone_encounter where id = ?", String.class, bEncounter)));
        String bEmrId = jdbc.queryForObject("select emr_appointment_id from telephone_encounter where id = ?", String.class,
                bEncounter);
        assertThat(emr.read(org.hl7.fhir.r4.model.Encounter.class, bEmrId)).as("B's encounter is in the EMR").isPresent();

        // the demo client acts on B's encounter: it ends exactly as an encounter the EMR does not have
        JsonNode onB = demoAction(bEmrId);
        JsonNode onNothing = demoAction("no-such-encounter-" + UUID.randomUUID());
        assertThat(onB.path("type").asText()).isEqualTo("telephone_encounter_action.failed");
        assertThat(onB.path("data").path("reasons").get(0).path("code").asText()).isEqualTo("encounter_not_found");
        assertThat(outcome(onB)).isEqualTo(outcome(onNothing));
        assertThat(notesOn(bEmrId)).as("nothing written on B's encounter").isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from telephone_encounter_action where emr_appointment_id = ? and status = 'failed'",
                Integer.class, bEmrId)).isEqualTo(1);

        // B acts on its own encounter
        HttpResponse<String> own = asOther("POST", "/v1/telephone-encounters/actions",
                JSON.createObjectNode().put("emr_appointment_id", bEmrId).put("text", "Own note").toString());
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> notesOn(bEmrId).size() == 1);

        // the connection opens actions to every encounter of the clinic's EMR: the demo client's note is written
        jdbc.update("update emr_connection set settings = ? where name = ?", "{\"actions_on_any_encounter\": true}",
                DemoTenant.CONNECTION_NAME);
        JsonNode opened = demoAction(bEmrId);
        assertThat(opened.path("type").asText()).isEqualTo("telephone_encounter_action.created");
        assertThat(notesOn(bEmrId)).hasSize(2);
        // and an id the EMR does not have still fails the same way, now from the EMR's answer
        assertThat(outcome(demoAction("no-such-encounter-" + UUID.randomUUID()))).isEqualTo(outcome(onNothing));
    }
}
