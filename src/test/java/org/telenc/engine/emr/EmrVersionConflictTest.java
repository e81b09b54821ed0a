package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.sandbox.fhir.SandboxVersionConflicts;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.FaultyEmrProxy;

/**
 * A write guarded by If-Match that lost a race, on a server answering the conflict either way:
 * 412 (as HTTP says) or 409 with HAPI-0989 (as HAPI FHIR JPA does; the sandbox told to answer so).
 * Both take the documented path: the encounter-only transaction, then the Patient read and
 * PUT under If-Match; in list mode, the List read again and the change redone.
 */
class EmrVersionConflictTest extends EngineTest {

    static final String PHARMACY_EXTENSION = "http://telenc.org/fhir/StructureDefinition/preferred-pharmacy";

    @Autowired
    SandboxFhirStore emr;
    @Autowired
    SandboxVersionConflicts conflicts;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    FhirContext fhir;

    FaultyEmrProxy proxy;

    @BeforeEach
    void throughAProxy() throws Exception {
        emr.reset();
        proxy = new FaultyEmrProxy(sandbox());
        jdbc.update("update emr_connection set base_url = ? where name = ?", proxy.baseUrl(), DemoTenant.CONNECTION_NAME);
    }

    @AfterEach
    void backToTheSandbox() {
        conflicts.answerWith(412);
        jdbc.update("update emr_connection set base_url = ?, settings = null where name = ?", EmrConnections.EMBEDDED_SANDBOX,
                DemoTenant.CONNECTION_NAME);
        proxy.close();
        emr.reset();
    }

    String sandbox() {
        return "http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH;
    }

    HttpResponse<String> put(String path, String body, String ifMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox() + path)).header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Another client rewrites the resource, so the engine's version is stale. */
    void touch(String path) {
        try {
            String current = http.send(HttpRequest.newBuilder(URI.create(sandbox() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(put(path, current, null).statusCode()).isEqualTo(200);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode submit(String pharmacy) throws Exception {
        HttpResponse<String> accepted = post("/v1/telephone-encounters", """
                {"patient_mrn":"100234","provider_id":"12241","location_id":"31","assigned_to_id":"12220",
                 "reason":"Pharmacy","pharmacy_ehr_id":"%s"}""".formatted(pharmacy));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String id = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
        return JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
    }

    /** The sandbox answers a stale If-Match as told: 412, or 409 with HAPI's message code. */
    void answersAStaleWriteWith(int status) throws Exception {
        String patient = fhir.newJsonParser().encodeResourceToString(emr.read(Patient.class, "pat-1001").orElseThrow());
        HttpResponse<String> stale = put("/Patient/pat-1001", patient, "W/\"0\"");
        assertThat(stale.statusCode()).isEqualTo(status);
        if (status == 409) {
            assertThat(stale.body()).contains("OperationOutcome").contains("HAPI-0989");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {412, 409})
    void aStaleTransactionGoesEncounterOnlyThenReadsAndRedoesThePharmacy(int status) throws Exception {
        conflicts.answerWith(status);
        answersAStaleWriteWith(status);
        proxy.beforeNext(call -> call.equals("POST /fhir"), () -> touch("/Patient/pat-1001"));

        JsonNode event = submit("PH-2002");

        assertThat(event.path("type").asText()).as(event.toString()).isEqualTo("telephone_encounter.created");
        assertThat(proxy.log()).containsExactly(proxy.log().get(0), "FWD POST /fhir", "FWD POST /fhir",
                "FWD GET /fhir/Patient/pat-1001", "FWD PUT /fhir/Patient/pat-1001");
        assertThat(emr.read(Patient.class, "pat-1001").orElseThrow().getExtensionsByUrl(PHARMACY_EXTENSION).stream()
                .map(Extension::getValue).map(v -> ((Reference) v).getReference()))
                .containsExactly("Organization/PH-2001", "Organization/PH-2002");
    }

    @ParameterizedTest
    @ValueSource(ints = {412, 409})
    void aStaleListWriteIsReadAgainAndRedone(int status) throws Exception {
        conflicts.answerWith(status);
        ListResource list = new ListResource();
        list.addIdentifier().setSystem("urn:telenc:telephone-encounter:pharmacy-list").setValue("pat-1001");
        list.setStatus(ListResource.ListStatus.CURRENT).setMode(ListResource.ListMode.WORKING);
        list.setCode(new CodeableConcept().addCoding(new Coding("http://telenc.org/fhir/CodeSystem/list-kind", "preferred-pharmacies", null)));
        list.setSubject(new Reference("Patient/pat-1001"));
        list.addEntry().setItem(new Reference("Organization/PH-2001"));
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(sandbox() + "/List"))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(fhir.newJsonParser().encodeResourceToString(list))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        String listId = fhir.newJsonParser().parseResource(ListResource.class, created.body()).getIdPart();
        jdbc.update("update emr_connection set settings = ? where name = ?", "{\"pharmacy_list\":\"list\",\"fhir_batching\":\"off\"}",
                DemoTenant.CONNECTION_NAME);
        proxy.beforeNext(call -> call.startsWith("PUT /fhir/List/"), () -> touch("/List/" + listId));

        JsonNode event = submit("PH-2002");

        assertThat(event.path("type").asText()).as(event.toString()).isEqualTo("telephone_encounter.created");
        List<String> puts = proxy.log().stream().filter(call -> call.contains(" PUT /fhir/List/")).toList();
        assertThat(puts).as("one write refused, then one on the version read again: %s", proxy.log()).hasSize(2);
        assertThat(emr.read(ListResource.class, listId).orElseThrow().getEntry().stream().map(e -> e.getItem().getReference()))
                .containsExactly("Organization/PH-2001", "Organization/PH-2002");
    }
}
