package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.sandbox.fhir.LimitedFhirServer;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.sandbox.DemoTenant;

/**
 * Capabilities: the sync reads each server's CapabilityStatement; a server that cannot
 * create an Encounter, or cannot search Patient by identifier, has no telephone-encounter
 * capability and the API answers unsupported_emr, checked against real HAPI servers.
 */
class EmrCapabilitiesTest extends EngineTest {

    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void backToTheSandbox() {
        jdbc.update("update emr_connection set base_url = ? where name = ?", EmrConnections.EMBEDDED_SANDBOX,
                DemoTenant.CONNECTION_NAME);
        camel.requestBody("direct:reference-sync", (Object) null);
    }

    HttpResponse<String> againstServer(LimitedFhirServer server) throws Exception {
        jdbc.update("update emr_connection set base_url = ? where name = ?", server.baseUrl(), DemoTenant.CONNECTION_NAME);
        camel.requestBody("direct:reference-sync", (Object) null);
        return post("/v1/telephone-encounters", encounterBody("100236", null, null));
    }

    String capabilities() {
        return jdbc.queryForObject("select capabilities from emr_connection where name = ?", String.class,
                DemoTenant.CONNECTION_NAME);
    }

    @Test
    void aServerThatCannotCreateEncountersIsUnsupported() throws Exception {
        try (LimitedFhirServer server = new LimitedFhirServer(true, false)) {
            HttpResponse<String> answer = againstServer(server);
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(answer.body()).path("error").asText()).isEqualTo("unsupported_emr");
            assertThat(JSON.readTree(answer.body()).path("message").asText())
                    .isEqualTo("Telephone encounters are not supported for this EMR.");
            assertThat(JSON.readTree(capabilities()).path("encounter_create").asBoolean()).isFalse();
            assertThat(JSON.readTree(capabilities()).path("patient_search_by_identifier").asBoolean()).isTrue();
        }
    }

    @Test
    void aServerThatCannotSearchPatientsIsUnsupported() throws Exception {
        try (LimitedFhirServer server = new LimitedFhirServer(false, true)) {
            HttpResponse<String> answer = againstServer(server);
            assertThat(JSON.readTree(answer.body()).path("error").asText()).isEqualTo("unsupported_emr");
            assertThat(JSON.readTree(capabilities()).path("patient_search_by_identifier").asBoolean()).isFalse();
        }
    }

    @Test
    void capabilitiesNotYetKnownCountAsCapable() throws Exception {
        // the state before the first sync: found by a POST right after start-up that answered 500
        jdbc.update("update emr_connection set telephone_encounters = null, capabilities = null where name = ?",
                DemoTenant.CONNECTION_NAME);
        assertThat(post("/v1/telephone-encounters", encounterBody("100236", null, null)).statusCode()).isEqualTo(200);
    }

    @Test
    void beforeTheFirstSyncRequestsAreToldToRetryNotRejected() throws Exception {
        jdbc.update("update emr_connection set last_synced_at = null where name = ?", DemoTenant.CONNECTION_NAME);
        var early = post("/v1/telephone-encounters", encounterBody("100236", null, null));
        assertThat(early.statusCode()).isEqualTo(503);
        assertThat(early.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(JSON.readTree(early.body()).path("error").asText()).isEqualTo("service_unavailable");
        camel.requestBody("direct:reference-sync", (Object) null);
        assertThat(post("/v1/telephone-encounters", encounterBody("100236", null, null)).statusCode()).isEqualTo(200);
    }

    @Test
    void aCapableServerIsSupportedAndTheSandboxIsCapable() throws Exception {
        try (LimitedFhirServer server = new LimitedFhirServer(true, true)) {
            assertThat(againstServer(server).statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(capabilities()).path("fhir_version").asText()).isEqualTo("4.0.1");
        }
        backToTheSandbox();
        assertThat(jdbc.queryForObject("select telephone_encounters from emr_connection where name = ?", Boolean.class,
                DemoTenant.CONNECTION_NAME)).isTrue();
    }

    @Test
    void smallPagesAreFollowedThroughNextLinksForReferencesAndMedications() throws Exception {
        int providers = jdbc.queryForObject("select count(*) from provider p join emr_connection c on c.id = p.connection_id "
                + "where c.name = ? and p.status = 'active'", Integer.class, DemoTenant.CONNECTION_NAME);
        try (LimitedFhirServer server = new LimitedFhirServer(true, true, 1)) {
            assertThat(againstServer(server).statusCode()).isEqualTo(200);
            assertThat(jdbc.queryForObject("select count(*) from provider p join emr_connection c on c.id = p.connection_id "
                    + "where c.name = ? and p.status = 'active'", Integer.class, DemoTenant.CONNECTION_NAME))
                    .as("one provider per page, all of them synced").isEqualTo(providers).isGreaterThan(1);
            // a refill match needs every refillable order: 5 of them, one per page, with their Medications
            var accepted = post("/v1/telephone-encounters", encounterBody("100234", "metformin", null));
            String id = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
            var event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), java.time.Duration.ofSeconds(30)).bodyText());
            assertThat(event.path("type").asText()).as(event.toString()).isEqualTo("telephone_encounter.created");
            assertThat(event.path("data").path("refill_medication_name").asText()).containsIgnoringCase("metformin");
        }
    }
}
