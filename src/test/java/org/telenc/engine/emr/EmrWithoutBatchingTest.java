package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.FaultyEmrProxy;

/**
 * docs/design.md "Two EMR calls per encounter": a server whose CapabilityStatement lists neither the transaction interaction nor
 * MedicationRequest:patient in Patient's searchRevInclude (the sandbox told so) is used one
 * operation per step: the sync records both flags false and a full encounter is created without a
 * transaction or a _revinclude search, which this server would refuse (501, 400).
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class EmrWithoutBatchingTest extends EngineTest {

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void sandboxWithoutBatching(DynamicPropertyRegistry registry) {
        ownEngine(registry, "no-batching");
        registry.add("engine.sandbox.fhir.transactions", () -> "false");
        registry.add("engine.sandbox.fhir.revinclude", () -> "false");
    }

    @AfterEach
    void backToTheSandbox() {
        jdbc.update("update emr_connection set base_url = ? where name = ?", EmrConnections.EMBEDDED_SANDBOX,
                DemoTenant.CONNECTION_NAME);
    }

    String sandbox() {
        return "http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH;
    }

    @Test
    void theServerSaysItCannotAndRefusesBoth() throws Exception {
        JsonNode capabilities = JSON.readTree(jdbc.queryForObject("select capabilities from emr_connection where name = ?",
                String.class, DemoTenant.CONNECTION_NAME));
        assertThat(capabilities.path("transaction").asBoolean(true)).isFalse();
        assertThat(capabilities.path("orders_batch_search").asBoolean(true)).isFalse();
        assertThat(capabilities.path("encounter_create").asBoolean()).isTrue();
        HttpResponse<String> transaction = http.send(HttpRequest.newBuilder(URI.create(sandbox()))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Bundle\",\"type\":\"transaction\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(transaction.statusCode()).isEqualTo(501);
        assertThat(transaction.body()).contains("OperationOutcome");
        HttpResponse<String> search = http.send(HttpRequest.newBuilder(URI.create(sandbox()
                + "/Patient?identifier=100234&_revinclude=MedicationRequest%3Apatient")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(search.statusCode()).isEqualTo(400);
    }

    @Test
    void aFullEncounterGoesStepByStep() throws Exception {
        try (FaultyEmrProxy proxy = new FaultyEmrProxy(sandbox())) {
            jdbc.update("update emr_connection set base_url = ? where name = ?", proxy.baseUrl(), DemoTenant.CONNECTION_NAME);
            HttpResponse<String> accepted = post("/v1/telephone-encounters", encounterBody("100234", "lisinopril", "PH-2002"));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            String id = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
            JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
            assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
            // search, orders, Encounter, Task, refill, Patient read and update (no caller or message: no Communication)
            assertThat(proxy.log()).hasSize(7).doesNotContain("FWD POST /fhir")
                    .noneMatch(call -> call.contains("_revinclude"));
        }
    }
}
