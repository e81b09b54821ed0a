package org.telenc.engine.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.Communication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.FaultyEmrProxy;
import org.telenc.engine.sandbox.DemoTenant;
import org.awaitility.Awaitility;
import org.telenc.engine.support.Json;

/**
 * Add Action against a real HTTP EMR that answers 503 for a while: the action is deferred through
 * the broker scheduler exactly like an encounter job and completes once the EMR is back, its note
 * written once however many tries it took; after the retry window it fails with emr_unavailable.
 */
class ActionEmrOutageTest extends EngineTest {

    @Autowired
    SandboxFhirStore emr;
    @Autowired
    JdbcTemplate jdbc;

    FaultyEmrProxy proxy;

    /** An encounter created straight at the sandbox; from then on the EMR is reached through the proxy. */
    String encounterBehindTheProxy() throws Exception {
        String body = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}";
        String id = JSON.readTree(post("/v1/telephone-encounters", body).body()).path("telephone_encounter_id").asText();
        String emrAppointmentId = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText())
                .path("data").path("emr_appointment_id").asText();
        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        jdbc.update("update emr_connection set base_url = ? where name = ?", proxy.baseUrl(), DemoTenant.CONNECTION_NAME);
        return emrAppointmentId;
    }

    @AfterEach
    void restore() {
        jdbc.update("update emr_connection set base_url = ?, status = 'active' where name = ?", EmrConnections.EMBEDDED_SANDBOX,
                DemoTenant.CONNECTION_NAME);
        if (proxy != null) {
            proxy.close();
        }
    }

    String accept(String emrAppointmentId) throws Exception {
        var response = post("/v1/telephone-encounters/actions",
                Json.object("emr_appointment_id", emrAppointmentId, "text", "Called back"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("action_id").asText();
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }

    List<Communication> notes(String actionId) {
        return emr.find(Communication.class, c -> c.getIdentifier().stream()
                .anyMatch(i -> TelephoneEncounterActionFlowTest.ACTION_SYSTEM.equals(i.getSystem()) && actionId.equals(i.getValue())));
    }

    String status(String actionId) {
        return jdbc.queryForObject("select status from telephone_encounter_action where id = ?", String.class, actionId);
    }

    @Test
    void anActionWaitsOutAnEmrOutageAndWritesItsNoteOnce() throws Exception {
        String emrAppointmentId = encounterBehindTheProxy();
        proxy.outage(true);
        String id = accept(emrAppointmentId);
        // each try makes 1 + 3 in-route redeliveries of the encounter read; 8 refusals = a second, deferred try
        await(() -> proxy.refused() >= 8, Duration.ofSeconds(30), "a second try at the EMR");
        assertThat(status(id)).isEqualTo("processing");
        assertThat(receiver.received().stream().anyMatch(r -> r.bodyText().contains(id))).isFalse();
        proxy.outage(false);

        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter_action.created");
        assertThat(notes(id)).hasSize(1);
        assertThat(status(id)).isEqualTo("completed");
    }

    @Test
    void aNoteWriteThatFailsIsRetriedWithoutASecondNote() throws Exception {
        String emrAppointmentId = encounterBehindTheProxy();
        proxy.outageFor(request -> request.startsWith("POST /fhir/Communication"));
        String id = accept(emrAppointmentId);
        await(() -> proxy.refused() >= 8, Duration.ofSeconds(30), "a second try at the note");
        proxy.outage(false);

        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter_action.created");
        assertThat(notes(id)).hasSize(1);
        assertThat(event.path("data").path("note_id").asText()).isEqualTo(notes(id).get(0).getIdElement().getIdPart());
    }

    @Test
    void afterTheRetryWindowTheActionFailsWithEmrUnavailable() throws Exception {
        String emrAppointmentId = encounterBehindTheProxy();
        proxy.outage(true);
        String id = accept(emrAppointmentId);
        await(() -> proxy.refused() >= 4, Duration.ofSeconds(30), "the first try");
        // the window (1 h) counts from acceptance: move the acceptance back beyond it
        jdbc.update("update telephone_encounter_action set created_at = ? where id = ?",
                java.sql.Timestamp.from(Instant.now().minus(Duration.ofHours(2))), id);

        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter_action.failed");
        assertThat(event.path("data").path("reasons").get(0).path("code").asText()).isEqualTo("emr_unavailable");
        assertThat(event.path("data").path("failure_reason").asText()).isEqualTo("The EMR was unavailable (HTTP 503)");
        assertThat(notes(id)).isEmpty();
        assertThat(status(id)).isEqualTo("failed");
    }

    /**
     * The checks the encounter kind passes before its EMR steps hold for actions too (one shared
     * step of the job template): a link that expires while the action waits out an outage ends it
     * login_required on its next try, with no further EMR call.
     */
    @Test
    void anActionWhoseLinkExpiresWhileItIsDeferredFailsLoginRequiredWithoutAnotherEmrCall() throws Exception {
        String emrAppointmentId = encounterBehindTheProxy();
        proxy.outage(true);
        String id = accept(emrAppointmentId);
        await(() -> proxy.refused() >= 4, Duration.ofSeconds(30), "the first try");
        jdbc.update("update emr_connection set status = 'expired' where name = ?", DemoTenant.CONNECTION_NAME);
        int callsWhenExpired = proxy.log().size();

        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter_action.failed");
        assertThat(event.path("data").path("reasons").get(0).path("code").asText()).isEqualTo("login_required");
        assertThat(status(id)).isEqualTo("failed");
        // at most the try already under way when the link expired (4 calls) reached the EMR
        assertThat(proxy.log().size()).isLessThanOrEqualTo(callsWhenExpired + 4);
        assertThat(notes(id)).isEmpty();
    }
}
