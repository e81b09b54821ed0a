package org.telenc.engine.encounter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.FaultyEmrProxy;
import org.telenc.engine.sandbox.DemoTenant;
import org.awaitility.Awaitility;

/**
 * Steps 7 and 8 of docs/api.md "What a queued request becomes" against a real HTTP EMR that answers 503 for a while: the job is
 * deferred through the broker scheduler and completes once the EMR is back, every EMR write exactly
 * once however many tries it took; after the retry window the job fails with emr_unavailable.
 */
class EmrOutageTest extends EngineTest {

    static final String JOB_SYSTEM = "urn:telenc:telephone-encounter";

    @Autowired
    SandboxFhirStore emr;
    @Autowired
    JdbcTemplate jdbc;

    FaultyEmrProxy proxy;

    @BeforeEach
    void routeTheSandboxThroughTheProxy() throws Exception {
        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        jdbc.update("update emr_connection set base_url = ? where name = ?", proxy.baseUrl(), DemoTenant.CONNECTION_NAME);
    }

    @AfterEach
    void restore() {
        jdbc.update("update emr_connection set base_url = ?, settings = null where name = ?", EmrConnections.EMBEDDED_SANDBOX,
                DemoTenant.CONNECTION_NAME);
        proxy.close();
    }

    String accept(String body) throws Exception {
        var response = post("/v1/telephone-encounters", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("telephone_encounter_id").asText();
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }

    <T extends Resource> List<T> written(Class<T> type, String suffix, String id) {
        return emr.find(type, r -> {
            var identifiers = r instanceof Encounter e ? e.getIdentifier() : r instanceof MedicationRequest m ? m.getIdentifier()
                    : r instanceof Communication c ? c.getIdentifier() : r instanceof Task t ? t.getIdentifier() : List.<org.hl7.fhir.r4.model.Identifier>of();
            return identifiers.stream().anyMatch(i -> (JOB_SYSTEM + suffix).equals(i.getSystem()) && id.equals(i.getValue()));
        });
    }

    String status(String id) throws Exception {
        return JSON.readTree(get("/v1/telephone-encounters/" + id).body()).path("telephone_encounter").path("status").asText();
    }

    @Test
    void aJobWaitsOutAnEmrOutageWithoutAThreadAndCompletesOnce() throws Exception {
        proxy.outage(true);
        String id = accept(TelephoneEncounterFlowTest.body("100234", "lisinopril", "PH-2001"));
        // each try makes 1 + 3 in-route redeliveries of find-patient; 8 refusals = a second, deferred try
        await(() -> proxy.refused() >= 8, Duration.ofSeconds(30), "a second try at the EMR");
        assertThat(status(id)).isEqualTo("processing");
        assertThat(receiver.received().stream().anyMatch(r -> r.bodyText().contains(id))).isFalse();
        proxy.outage(false);

        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(event.path("data").path("refill_medication_name").asText()).isNotEmpty();
        assertThat(written(Encounter.class, "", id)).hasSize(1);
        assertThat(written(MedicationRequest.class, ":refill", id)).hasSize(1);
    }

    @Test
    void aRefillThatFailsAfterTheEncounterExistsIsRetriedWithoutASecondEncounter() throws Exception {
        // one write per step: the refill is a call of its own (the transaction Bundle writes it with the encounter)
        jdbc.update("update emr_connection set settings = ? where name = ?", "{\"fhir_batching\":\"off\"}",
                DemoTenant.CONNECTION_NAME);
        proxy.outageFor(request -> request.startsWith("POST /fhir/MedicationRequest"));
        String id = accept(TelephoneEncounterFlowTest.body("100234", "lisinopril", "PH-2001"));
        await(() -> proxy.refused() >= 8, Duration.ofSeconds(30), "a second try at the refill");
        assertThat(written(Encounter.class, "", id)).hasSize(1);
        proxy.outage(false);

        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(written(Encounter.class, "", id)).as("the redelivered job found its encounter").hasSize(1);
        assertThat(written(Communication.class, ":communication", id)).hasSize(1);
        assertThat(written(Task.class, ":task", id)).hasSize(1);
        assertThat(written(MedicationRequest.class, ":refill", id)).hasSize(1);
    }

    @Test
    void aBlipIsRetriedInTheRouteAndEachRetryReallyReachesTheEmr() throws Exception {
        proxy.refuseNext(2);
        String id = accept(TelephoneEncounterFlowTest.body("100236", null, null));
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
        List<String> calls = proxy.log();
        assertThat(calls.get(0)).startsWith("503 GET /fhir/Patient?identifier=");
        assertThat(calls.get(1)).isEqualTo(calls.get(0));
        assertThat(calls.get(2)).as("the third try of the same call reached the EMR")
                .isEqualTo(calls.get(0).replace("503 ", "FWD "));
        assertThat(written(Encounter.class, "", id)).hasSize(1);
    }

    @Test
    void aTooManyRequestsAnswerIsRetriedLikeAnOutage() throws Exception {
        proxy.refuseNext(5, 429); // more than the in-route retries: the job is deferred once, then completes
        String id = accept(TelephoneEncounterFlowTest.body("100236", null, null));
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(proxy.log().stream().filter(l -> l.startsWith("429 ")).count()).isEqualTo(5);
        assertThat(written(Encounter.class, "", id)).hasSize(1);
    }

    @Test
    void afterTheRetryWindowTheJobFailsWithEmrUnavailable() throws Exception {
        proxy.outage(true);
        String id = accept(TelephoneEncounterFlowTest.body("100236", null, null));
        await(() -> proxy.refused() >= 4, Duration.ofSeconds(30), "the first try");
        // the window (1 h) counts from acceptance: move the acceptance back beyond it
        jdbc.update("update telephone_encounter set created_at = ? where id = ?",
                java.sql.Timestamp.from(Instant.now().minus(Duration.ofHours(2))), id);

        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(event.path("data").path("reasons").get(0).path("code").asText()).isEqualTo("emr_unavailable");
        assertThat(event.path("data").path("failure_reason").asText()).isEqualTo("The EMR was unavailable (HTTP 503)");
        assertThat(written(Encounter.class, "", id)).isEmpty();
    }
}
