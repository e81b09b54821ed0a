package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.r4.model.ListResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.sandbox.DemoTenant;

/**
 * Adapter setting pharmacy_list: a List resource per patient (created once, then extended under
 * If-Match), or none (a requested pharmacy makes the encounter partial). The default, a Patient
 * extension, is what TelephoneEncounterFlowTest covers.
 */
class PharmacyListModesTest extends EngineTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SandboxFhirStore emr;

    void settings(String json) {
        jdbc.update("update emr_connection set settings = ? where name = ?", json, DemoTenant.CONNECTION_NAME);
    }

    @AfterEach
    void defaults() {
        settings(null);
    }

    JsonNode submit(String body) throws Exception {
        var response = post("/v1/telephone-encounters", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String id = JSON.readTree(response.body()).path("telephone_encounter_id").asText();
        return JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
    }

    List<ListResource> listsOf(String patientId) {
        return emr.find(ListResource.class, l -> ("Patient/" + patientId).equals(l.getSubject().getReference()));
    }

    @Test
    void aListResourceIsCreatedOnceThenExtended() throws Exception {
        settings("{\"pharmacy_list\":\"list\"}");
        JsonNode first = submit(encounterBody("100235", null, "PH-2002"));
        assertThat(first.path("type").asText()).as(first.toString()).isEqualTo("telephone_encounter.created");
        assertThat(first.path("data").path("pharmacy_ehr_id").asText()).isEqualTo("PH-2002");
        String patient = emr.find(org.hl7.fhir.r4.model.Patient.class, p -> p.getIdentifier().stream()
                .anyMatch(i -> "100235".equals(i.getValue()))).get(0).getIdPart();
        assertThat(listsOf(patient)).hasSize(1);
        assertThat(listsOf(patient).get(0).getEntry()).extracting(e -> e.getItem().getReference())
                .containsExactly("Organization/PH-2002");

        submit(encounterBody("100235", null, "PH-2001"));
        submit(encounterBody("100235", null, "PH-2001"));
        assertThat(listsOf(patient)).hasSize(1);
        assertThat(listsOf(patient).get(0).getEntry()).extracting(e -> e.getItem().getReference())
                .containsExactly("Organization/PH-2002", "Organization/PH-2001");
        assertThat(listsOf(patient).get(0).getCode().getCodingFirstRep().getCode()).isEqualTo("preferred-pharmacies");
    }

    @Test
    void withoutAPharmacyListTheEncounterIsPartial() throws Exception {
        settings("{\"pharmacy_list\":\"none\"}");
        JsonNode event = submit(encounterBody("100236", null, "PH-2001"));
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created_partial");
        assertThat(event.path("data").path("reasons").get(0).path("code").asText()).isEqualTo("pharmacy_not_added");
        assertThat(event.path("data").path("failure_reason").asText()).contains("does not support this step");
    }
}
