package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.telenc.engine.sandbox.fhir.SandboxSearchCache;
import org.telenc.engine.sandbox.fhir.SandboxFhirConfiguration;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.FaultyEmrProxy;
import org.telenc.engine.sandbox.DemoTenant;

/**
 * pharmacy_list: list against a server with a search cache (the sandbox told to keep one, like
 * HAPI FHIR JPA): a pharmacy is reported added only when the EMR's List really holds it, whether
 * the List was just created by an earlier job, matched by the conditional create, or changed by
 * someone else between the engine's read and its write (412, read again, redo).
 */
class PharmacyListWritesTest extends EngineTest {

    static final String LIST_CODE_SYSTEM = "http://telenc.org/fhir/CodeSystem/list-kind";
    static final String LIST_IDENTIFIER_SYSTEM = "urn:telenc:telephone-encounter:pharmacy-list";

    @Autowired
    JdbcTemplate jdbc;
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
    FhirContext fhir;

    FaultyEmrProxy proxy;

    void settings(String json) {
        jdbc.update("update emr_connection set settings = ? where name = ?", json, DemoTenant.CONNECTION_NAME);
    }

    @AfterEach
    void defaults() {
        settings(null);
        if (proxy != null) {
            jdbc.update("update emr_connection set base_url = ? where name = ?", EmrConnections.EMBEDDED_SANDBOX,
                    DemoTenant.CONNECTION_NAME);
            proxy.close();
        }
    }

    JsonNode submit(String body) throws Exception {
        var response = post("/v1/telephone-encounters", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String id = JSON.readTree(response.body()).path("telephone_encounter_id").asText();
        return JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
    }

    static void assertAdded(JsonNode event, String pharmacy) {
        assertThat(event.path("type").asText()).as(event.toString()).isEqualTo("telephone_encounter.created");
        assertThat(event.path("data").path("pharmacy_ehr_id").asText()).isEqualTo(pharmacy);
    }

    String patientId(String mrn) {
        return emr.find(Patient.class, p -> p.getIdentifier().stream().anyMatch(i -> mrn.equals(i.getValue()))).get(0).getIdPart();
    }

    List<ListResource> listsOf(String patientId) {
        return emr.find(ListResource.class, l -> ("Patient/" + patientId).equals(l.getSubject().getReference()));
    }

    static List<String> entries(ListResource list) {
        return list.getEntry().stream().map(e -> e.getItem().getReference()).toList();
    }

    /** A List as another client writes it, straight to the sandbox over HTTP; its id. */
    String writeList(ListResource list, String method, String ifMatch) {
        try {
            String path = SandboxFhirConfiguration.BASE_PATH + "/List" + ("PUT".equals(method) ? "/" + list.getIdPart() : "");
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/fhir+json")
                    .method(method, HttpRequest.BodyPublishers.ofString(fhir.newJsonParser().encodeResourceToString(list)));
            if (ifMatch != null) {
                request.header("If-Match", ifMatch);
            }
            HttpResponse<String> answer = send(request);
            assertThat(answer.statusCode()).as(answer.body()).isBetween(200, 201);
            return fhir.newJsonParser().parseResource(ListResource.class, answer.body()).getIdPart();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ListResource list(String patientId, String code, String... pharmacies) {
        ListResource list = new ListResource();
        list.addIdentifier().setSystem(LIST_IDENTIFIER_SYSTEM).setValue(patientId);
        list.setStatus(ListResource.ListStatus.CURRENT);
        list.setMode(ListResource.ListMode.WORKING);
        list.setCode(new CodeableConcept().addCoding(new Coding(LIST_CODE_SYSTEM, code, null)));
        list.setSubject(new Reference("Patient/" + patientId));
        for (String pharmacy : pharmacies) {
            list.addEntry().setItem(new Reference("Organization/" + pharmacy));
        }
        return list;
    }

    @Test
    void twoJobsForOnePatientInQuickSuccessionBothLandInTheList() throws Exception {
        settings("{\"pharmacy_list\":\"list\"}");
        String patient = patientId("100235");
        assertAdded(submit(encounterBody("100235", null, "PH-2002")), "PH-2002");
        assertAdded(submit(encounterBody("100235", null, "PH-2001")), "PH-2001");

        assertThat(listsOf(patient)).hasSize(1);
        assertThat(entries(listsOf(patient).get(0))).containsExactly("Organization/PH-2002", "Organization/PH-2001");
    }

    @Test
    void aConditionalCreateThatMatchedAnExistingListIsNotTakenAsAdded() throws Exception {
        // the engine's own List for the patient, which the search by code does not find (kept
        // under an earlier list code): the conditional create matches it and answers 200 unchanged
        String patient = patientId("100236");
        String existing = writeList(list(patient, "earlier-list-code", "PH-2002"), "POST", null);
        settings("{\"pharmacy_list\":\"list\"}");

        assertAdded(submit(encounterBody("100236", null, "PH-2001")), "PH-2001");

        assertThat(listsOf(patient)).hasSize(1);
        ListResource held = emr.read(ListResource.class, existing).orElseThrow();
        assertThat(entries(held)).containsExactly("Organization/PH-2002", "Organization/PH-2001");
    }

    @Test
    void aListChangedBetweenReadAndWriteIsReadAgainAndTheChangeRedone() throws Exception {
        String patient = patientId("100234");
        String existing = writeList(list(patient, "preferred-pharmacies", "PH-2001"), "POST", null);
        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        jdbc.update("update emr_connection set base_url = ? where name = ?", proxy.baseUrl(), DemoTenant.CONNECTION_NAME);
        settings("{\"pharmacy_list\":\"list\"}");
        // another client adds PH-2003 just before the engine's guarded write reaches the EMR
        proxy.beforeNext(call -> call.startsWith("PUT /fhir/List/"), () -> {
            ListResource current = emr.read(ListResource.class, existing).orElseThrow();
            current.addEntry().setItem(new Reference("Organization/PH-2003"));
            writeList(current, "PUT", "W/\"" + current.getMeta().getVersionId() + "\"");
        });

        assertAdded(submit(encounterBody("100234", null, "PH-2002")), "PH-2002");

        assertThat(listsOf(patient)).hasSize(1);
        assertThat(entries(emr.read(ListResource.class, existing).orElseThrow()))
                .containsExactly("Organization/PH-2001", "Organization/PH-2003", "Organization/PH-2002");
        assertThat(proxy.log().stream().filter(call -> call.contains(" PUT /fhir/List/")))
                .as("one write refused with 412, then one on the version read again: %s", proxy.log()).hasSize(2);
        assertThat(proxy.log()).as("the List read again by id").anyMatch(call -> call.equals("FWD GET /fhir/List/" + existing));
    }
}
