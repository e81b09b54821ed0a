package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.telenc.engine.sandbox.fhir.SandboxSearchCache;
import org.telenc.engine.emr.fhir.FhirRequests;
import org.telenc.engine.sandbox.fhir.SandboxFhirConfiguration;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;

/**
 * Against a FHIR server that reuses identical searches for a minute (the sandbox told to behave
 * like HAPI FHIR JPA, {@code reuse_cached_search_results_millis}): every read the engine decides
 * on bypasses the cache, so what the clinic wrote a moment ago is seen.
 */
class FhirSearchCacheTest extends EngineTest {

    @Autowired
    SandboxFhirStore emr;
    @Autowired
    SandboxSearchCache searchCache;

    /** The sandbox keeps searches for a minute, as HAPI FHIR JPA does (engine.sandbox.fhir.search-cache=60s). */
    @BeforeEach
    void keepSearchesLikeHapiJpa() throws Exception {
        emr.reset(); // the demo data as seeded: what this test writes to the EMR is all that changed
        searchCache.keepFor(Duration.ofSeconds(60));
        camel.requestBody("direct:reference-sync", (Object) null); // a sync within the window, as the engine's own would be
    }

    @AfterEach
    void stopKeepingSearches() {
        searchCache.keepFor(Duration.ZERO);
        emr.reset();
    }
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    FhirContext fhir;

    String sandbox(String path) {
        return "http://127.0.0.1:" + port + SandboxFhirConfiguration.BASE_PATH + path;
    }

    HttpResponse<String> createInSandbox(Resource resource) throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri(SandboxFhirConfiguration.BASE_PATH + "/" + resource.fhirType()))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(fhir.newJsonParser().encodeResourceToString(resource))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return created;
    }

    int searchCount(String path, String cacheControl) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(SandboxFhirConfiguration.BASE_PATH + path))
                .header("Accept", "application/fhir+json");
        if (cacheControl != null) {
            request.header("Cache-Control", cacheControl);
        }
        HttpResponse<String> answer = send(request.GET());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return fhir.newJsonParser().parseResource(Bundle.class, answer.body()).getEntry().size();
    }

    JsonNode submit(String body) throws Exception {
        var response = post("/v1/telephone-encounters", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String id = JSON.readTree(response.body()).path("telephone_encounter_id").asText();
        return JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
    }

    String patientId(String mrn) {
        return emr.find(Patient.class, p -> p.getIdentifier().stream().anyMatch(i -> mrn.equals(i.getValue()))).get(0).getIdPart();
    }

    @Test
    void theSandboxCacheHonoursCacheControlAsHapiJpaDoes() throws Exception {
        String family = "Cache" + UUID.randomUUID().toString().substring(0, 8);
        String search = "/Practitioner?identifier=" + FhirRequests.class.getSimpleName() + "%7C" + family;
        assertThat(searchCount(search, null)).isZero();
        Practitioner added = new Practitioner();
        added.addIdentifier().setSystem(FhirRequests.class.getSimpleName()).setValue(family);
        createInSandbox(added);
        assertThat(searchCount(search, null)).as("an identical search within the window reuses the stored one").isZero();
        assertThat(searchCount(search, "no-store")).as("no-store runs the search afresh").isEqualTo(1);
        assertThat(searchCount(search, null)).as("...and stores nothing").isZero();
        assertThat(searchCount(search, "no-cache")).as("no-cache runs the search afresh").isEqualTo(1);
        assertThat(searchCount(search, null)).as("...and stores it for later searches").isEqualTo(1);
    }

    @Test
    void anOrderAddedRightAfterASearchIsSeen() throws Exception {
        JsonNode before = submit(encounterBody("100236", "lisinopril", null));
        assertThat(before.path("type").asText()).as(before.toString()).isEqualTo("telephone_encounter.failed");
        assertThat(before.path("data").path("reasons").get(0).path("code").asText()).isEqualTo("medication_not_found");

        MedicationRequest order = new MedicationRequest();
        order.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
        order.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        order.setMedication(new CodeableConcept().setText("Lisinopril 10 mg tablet"));
        order.setSubject(new Reference("Patient/" + patientId("100236")));
        createInSandbox(order);

        JsonNode after = submit(encounterBody("100236", "lisinopril", null));
        assertThat(after.path("type").asText()).as(after.toString()).isEqualTo("telephone_encounter.created");
    }

    @Test
    void aReferenceSyncWithinTheCacheWindowSeesTheNewPractitioners() throws Exception {
        String npi = String.valueOf(1_000_000_000L + Math.abs(UUID.randomUUID().getMostSignificantBits() % 999_999_999L));
        Practitioner hired = new Practitioner();
        hired.setActive(true);
        hired.addName(new HumanName().setFamily("Newhire").addGiven("Nora"));
        hired.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue(npi);
        String id = new org.hl7.fhir.r4.model.IdType(createInSandbox(hired).headers().firstValue("Location").orElseThrow()).getIdPart();

        camel.requestBody("direct:reference-sync", (Object) null); // the first sync ran moments ago, before each test
        // as the demo client sees its connection's lists (other tests' connections to the sandbox sync it too)
        assertThat(withEhrId(get("/v1/staff").body(), "staff", id)).isEqualTo(1);
        assertThat(withEhrId(get("/v1/providers").body(), "providers", id)).isEqualTo(1);
    }

    static long withEhrId(String answer, String list, String ehrId) throws Exception {
        long count = 0;
        for (JsonNode row : JSON.readTree(answer).path(list)) {
            if (row.path("ehr_id").asText().equals(ehrId)) {
                count++;
            }
        }
        return count;
    }
}
