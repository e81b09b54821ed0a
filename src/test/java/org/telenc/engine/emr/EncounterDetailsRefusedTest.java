package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.FaultyEmrProxy;

/**
 * On the path without transaction Bundles, the EMR refusing the Communication or the Task for good
 * leaves the encounter standing: the job ends created_partial naming what is missing, with the
 * encounter's id, and the other detail is still written. The calls are labelled by what they are
 * (add-communication, add-task) in the EMR call metrics.
 */
class EncounterDetailsRefusedTest extends EngineTest {

    static final String JOB_SYSTEM = "urn:telenc:telephone-encounter";

    @Autowired
    SandboxFhirStore emr;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry meters;

    FaultyEmrProxy proxy;

    @BeforeEach
    void throughAProxy() throws Exception {
        emr.reset();
        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        jdbc.update("update emr_connection set base_url = ?, settings = ? where name = ?", proxy.baseUrl(),
                "{\"fhir_batching\":\"off\"}", DemoTenant.CONNECTION_NAME);
    }

    @AfterEach
    void backToTheSandbox() {
        jdbc.update("update emr_connection set base_url = ?, settings = null where name = ?", EmrConnections.EMBEDDED_SANDBOX,
                DemoTenant.CONNECTION_NAME);
        proxy.close();
        emr.reset();
    }

    double calls(String operation, String outcome) {
        Timer timer = meters.find("telenc.emr.call").tag("operation", operation).tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    static boolean job(List<Identifier> identifiers, String suffix, String id) {
        return identifiers.stream().anyMatch(i -> (JOB_SYSTEM + suffix).equals(i.getSystem()) && id.equals(i.getValue()));
    }

    @ParameterizedTest
    @CsvSource({"Communication, add-communication, communication_not_added, Task",
            "Task, add-task, task_not_added, Communication"})
    void aRefusedDetailLeavesTheEncounterPartial(String refused, String operation, String reason, String written) throws Exception {
        proxy.refuse(call -> call.startsWith("POST /fhir/" + refused), 422, "business-rule");
        double refusedBefore = calls(operation, "permanent");

        HttpResponse<String> accepted = post("/v1/telephone-encounters", """
                {"patient_mrn":"100234","provider_id":"12241","location_id":"31","assigned_to_id":"12220",
                 "reason":"Question","caller":"Daughter","message":"Please call back"}""");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String id = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());

        assertThat(event.path("type").asText()).as(event.toString()).isEqualTo("telephone_encounter.created_partial");
        assertThat(event.path("data").path("reasons").findValuesAsText("code")).containsExactly(reason);
        assertThat(event.path("data").path("failure_reason").asText()).contains("HTTP 422").contains("business-rule");
        List<Encounter> encounters = emr.find(Encounter.class, e -> job(e.getIdentifier(), "", id));
        assertThat(encounters).hasSize(1);
        assertThat(event.path("data").path("emr_appointment_id").asText()).isEqualTo(encounters.get(0).getIdElement().getIdPart());
        // the other detail is written all the same
        if (written.equals("Task")) {
            assertThat(emr.find(Task.class, t -> job(t.getIdentifier(), ":task", id))).hasSize(1);
        } else {
            assertThat(emr.find(Communication.class, c -> job(c.getIdentifier(), ":communication", id))).hasSize(1);
        }
        assertThat(calls(operation, "permanent") - refusedBefore).isEqualTo(1);
        assertThat(proxy.log()).filteredOn(call -> call.contains("POST /fhir/" + refused)).hasSize(1);
        JsonNode status = JSON.readTree(get("/v1/telephone-encounters/" + id).body());
        assertThat(status.path("telephone_encounter").path("status").asText()).isEqualTo("partial");
    }
}
