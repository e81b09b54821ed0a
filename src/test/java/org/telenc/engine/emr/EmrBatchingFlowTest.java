package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.FaultyEmrProxy;
import org.telenc.engine.support.Json;

/**
 * docs/design.md "Two EMR calls per encounter": on a server that takes transactions and answers _revinclude (the sandbox by default), a
 * telephone encounter makes two EMR calls, one search and one transaction, bare or full; forced
 * sequential ({@code "fhir_batching": "off"}) it makes one per step. Both paths give the same
 * outcome and webhook data, and leave the same resources in the EMR. Calls are counted by a real
 * HTTP proxy in front of the sandbox.
 */
class EmrBatchingFlowTest extends EngineTest {

    static final String JOB_SYSTEM = "urn:telenc:telephone-encounter";
    static final String PHARMACY_EXTENSION = "http://telenc.org/fhir/StructureDefinition/preferred-pharmacy";

    @Autowired
    SandboxFhirStore emr;
    @Autowired
    JdbcTemplate jdbc;

    FaultyEmrProxy proxy;

    @BeforeEach
    void throughAProxy() throws Exception {
        emr.reset();
        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        jdbc.update("update emr_connection set base_url = ? where name = ?", proxy.baseUrl(), DemoTenant.CONNECTION_NAME);
    }

    @AfterEach
    void backToTheSandbox() {
        jdbc.update("update emr_connection set base_url = ?, settings = null where name = ?", EmrConnections.EMBEDDED_SANDBOX,
                DemoTenant.CONNECTION_NAME);
        proxy.close();
        emr.reset();
    }

    record Run(String id, JsonNode event, List<String> calls) {

        /** The webhook's data without what differs between any two encounters (their ids). */
        JsonNode comparable() {
            ObjectNode data = event.path("data").deepCopy();
            data.remove(List.of("telephone_encounter_id", "emr_appointment_id"));
            return data;
        }
    }

    Run run(String settings, String body) throws Exception {
        jdbc.update("update emr_connection set settings = ? where name = ?", settings, DemoTenant.CONNECTION_NAME);
        int before = proxy.log().size();
        HttpResponse<String> accepted = post("/v1/telephone-encounters", body);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String id = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        List<String> calls = proxy.log().subList(before, proxy.log().size());
        return new Run(id, event, calls);
    }

    /** The same request both ways, each on the demo data as seeded. */
    Run[] bothWays(String settings, String body) throws Exception {
        Run fast = run(settings, body);
        Holdings fastHoldings = holdings(fast.id());
        emr.reset();
        String sequentialSettings = settings == null ? "{\"fhir_batching\":\"off\"}"
                : settings.replaceFirst("\\}$", ",\"fhir_batching\":\"off\"}");
        Run sequential = run(sequentialSettings, body);
        assertThat(fast.event().path("type").asText()).isEqualTo(sequential.event().path("type").asText());
        assertThat(fast.comparable()).isEqualTo(sequential.comparable());
        assertThat(fastHoldings).isEqualTo(holdings(sequential.id()));
        return new Run[] {fast, sequential};
    }

    static String body(String mrn, String medication, String pharmacy) {
        return Json.object("patient_mrn", mrn, "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220",
                "reason", "Refill", "caller", "Daughter", "message", "Please call back",
                "refill_medication_name", medication, "pharmacy_ehr_id", pharmacy);
    }

    /** What the EMR holds of one telephone encounter: counts by kind, and pat-1001's pharmacies. */
    record Holdings(int encounters, int communications, int tasks, int refills, List<String> pharmacies) {
    }

    Holdings holdings(String id) {
        return new Holdings(emr.find(Encounter.class, e -> job(e.getIdentifier(), "", id)).size(),
                emr.find(Communication.class, c -> job(c.getIdentifier(), ":communication", id)).size(),
                emr.find(Task.class, t -> job(t.getIdentifier(), ":task", id)).size(),
                emr.find(MedicationRequest.class, m -> job(m.getIdentifier(), ":refill", id)).size(),
                emr.read(Patient.class, "pat-1001").orElseThrow().getExtensionsByUrl(PHARMACY_EXTENSION).stream()
                        .map(Extension::getValue).map(v -> ((Reference) v).getReference()).toList());
    }

    static boolean job(List<org.hl7.fhir.r4.model.Identifier> identifiers, String suffix, String id) {
        return identifiers.stream().anyMatch(i -> (JOB_SYSTEM + suffix).equals(i.getSystem()) && id.equals(i.getValue()));
    }

    @Test
    void aBareEncounterIsOneSearchAndOneTransaction() throws Exception {
        // the sync read both from the sandbox's CapabilityStatement
        JsonNode capabilities = JSON.readTree(jdbc.queryForObject("select capabilities from emr_connection where name = ?",
                String.class, DemoTenant.CONNECTION_NAME));
        assertThat(capabilities.path("transaction").asBoolean()).isTrue();
        assertThat(capabilities.path("orders_batch_search").asBoolean()).isTrue();
        Run[] runs = bothWays(null, body("100235", null, null));
        assertThat(runs[0].event().path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(runs[0].calls()).hasSize(2);
        assertThat(runs[0].calls().get(0)).startsWith("FWD GET /fhir/Patient?identifier=");
        assertThat(runs[0].calls().get(1)).isEqualTo("FWD POST /fhir");
        // sequentially: the search, the Encounter, the Communication and the Task
        assertThat(runs[1].calls()).hasSize(4);
        Holdings held = holdings(runs[1].id());
        assertThat(held.encounters()).isEqualTo(1);
        assertThat(held.communications()).isEqualTo(1);
        assertThat(held.tasks()).isEqualTo(1);
    }

    @Test
    void aFullEncounterIsOneSearchAndOneTransaction() throws Exception {
        Run[] runs = bothWays(null, body("100234", "lisinopril", "PH-2002"));
        assertThat(runs[0].event().path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(runs[0].calls()).hasSize(2);
        // the batch of the patient search and its active orders' search, then the transaction
        assertThat(runs[0].calls()).containsExactly("FWD POST /fhir", "FWD POST /fhir");
        // sequentially: search, orders, Encounter, Communication, Task, refill, Patient read and update
        assertThat(runs[1].calls()).hasSize(8);
        Holdings held = holdings(runs[1].id());
        assertThat(held.refills()).isEqualTo(1);
        assertThat(held.pharmacies()).containsExactly("Organization/PH-2001", "Organization/PH-2002");
    }

    @Test
    void aTransactionLinksItsEntries() throws Exception {
        Run fast = run(null, body("100234", "lisinopril", "PH-2002"));
        Encounter encounter = emr.find(Encounter.class, e -> job(e.getIdentifier(), "", fast.id())).get(0);
        String reference = "Encounter/" + encounter.getIdElement().getIdPart();
        assertThat(fast.event().path("data").path("emr_appointment_id").asText()).isEqualTo(encounter.getIdElement().getIdPart());
        assertThat(one(MedicationRequest.class, ":refill", fast.id()).getEncounter().getReference()).isEqualTo(reference);
        assertThat(one(Communication.class, ":communication", fast.id()).getEncounter().getReference()).isEqualTo(reference);
        assertThat(one(Task.class, ":task", fast.id()).getFocus().getReference()).isEqualTo(reference);
        assertThat(holdings(fast.id()).pharmacies()).containsExactly("Organization/PH-2001", "Organization/PH-2002");
    }

    <T extends Resource> T one(Class<T> type, String suffix, String id) {
        List<T> found = emr.find(type, r -> job(identifiers(r), suffix, id));
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    static List<org.hl7.fhir.r4.model.Identifier> identifiers(Resource resource) {
        if (resource instanceof MedicationRequest m) {
            return m.getIdentifier();
        }
        if (resource instanceof Communication c) {
            return c.getIdentifier();
        }
        return resource instanceof Task t ? t.getIdentifier() : List.of();
    }

    @Test
    void aRefusedRefillIsCreatedPartialBothWays() throws Exception {
        Run[] runs = bothWays(null, body("100234", "oxycodone", "PH-2002"));
        assertThat(runs[0].event().path("type").asText()).isEqualTo("telephone_encounter.created_partial");
        assertThat(runs[0].event().toString()).contains("refill_not_added").doesNotContain("pharmacy_not_added");
        // the refused transaction, once more without the refill and pharmacy, then those one by one
        assertThat(runs[0].calls().subList(1, 3)).containsExactly("FWD POST /fhir", "FWD POST /fhir");
        assertThat(runs[0].calls()).contains("FWD POST /fhir/MedicationRequest");
        Holdings held = holdings(runs[1].id());
        assertThat(held.encounters()).isEqualTo(1);
        assertThat(held.refills()).isZero();
        assertThat(held.pharmacies()).containsExactly("Organization/PH-2001", "Organization/PH-2002");
    }

    @Test
    void aPharmacyTheEmrCannotKeepIsCreatedPartialBothWays() throws Exception {
        Run[] runs = bothWays("{\"pharmacy_list\":\"none\"}", body("100234", "lisinopril", "PH-2002"));
        assertThat(runs[0].event().path("type").asText()).isEqualTo("telephone_encounter.created_partial");
        assertThat(runs[0].event().toString()).contains("pharmacy_not_added").doesNotContain("refill_not_added");
        assertThat(runs[0].calls()).hasSize(2);
        assertThat(holdings(runs[1].id()).refills()).isEqualTo(1);
    }

    @Test
    void failuresAreTheSameBothWays() throws Exception {
        Run[] unknown = bothWays(null, body("999999", null, null));
        assertThat(unknown[0].event().path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(unknown[0].event().toString()).contains("patient_not_found");
        assertThat(unknown[0].calls()).hasSize(1);
        Run[] noSuchMedication = bothWays(null, body("100234", "aspirin", null));
        assertThat(noSuchMedication[0].event().path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(noSuchMedication[0].event().toString()).contains("medication_not_found");
        assertThat(noSuchMedication[0].calls()).hasSize(1);
        assertThat(noSuchMedication[1].calls()).hasSize(2);
    }

    @Test
    void aPatientChangedBeforeTheTransactionIsReadAgainAndTheChangeRedone() throws Exception {
        // someone else changes the patient between the search and the transaction: the transaction's
        // If-Match fails (412); the encounter goes alone, the pharmacy is then read and written again
        proxy.beforeNext(call -> call.equals("POST /fhir"), this::touchPatient);
        Run fast = run(null, body("100234", null, "PH-2002"));
        assertThat(fast.event().path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(fast.calls()).containsExactly(fast.calls().get(0), "FWD POST /fhir", "FWD POST /fhir",
                "FWD GET /fhir/Patient/pat-1001", "FWD PUT /fhir/Patient/pat-1001");
        Holdings held = holdings(fast.id());
        assertThat(held.encounters()).isEqualTo(1);
        assertThat(held.pharmacies()).containsExactly("Organization/PH-2001", "Organization/PH-2002");
        assertThat(emr.read(Patient.class, "pat-1001").orElseThrow().getMeta().getVersionId()).isEqualTo("3");
    }

    @Test
    void theSandboxTransactionIsAllOrNothing() throws Exception {
        int encountersBefore = emr.count(Encounter.class);
        // an Encounter, then a refill of a controlled substance the sandbox's refill rules refuse
        String refused = transaction("""
                {"fullUrl":"urn:uuid:0b6f3d3e-0000-4000-8000-000000000001","resource":{"resourceType":"Encounter",
                  "identifier":[{"system":"urn:test:tx","value":"all-or-nothing"}],"status":"in-progress",
                  "class":{"code":"VR"},"subject":{"reference":"Patient/pat-1001"}},
                 "request":{"method":"POST","url":"Encounter","ifNoneExist":"identifier=urn%3Atest%3Atx%7Call-or-nothing"}},
                {"resource":{"resourceType":"MedicationRequest","status":"draft","intent":"proposal",
                  "subject":{"reference":"Patient/pat-1001"},
                  "encounter":{"reference":"urn:uuid:0b6f3d3e-0000-4000-8000-000000000001"},
                  "medicationCodeableConcept":{"text":"Oxycodone"},"priorPrescription":{"reference":"MedicationRequest/mr-1001-5"}},
                 "request":{"method":"POST","url":"MedicationRequest"}}""");
        assertThat(refused).startsWith("422 ").contains("OperationOutcome");
        assertThat(emr.count(Encounter.class)).as("nothing of a refused transaction stands").isEqualTo(encountersBefore);
        // a stale If-Match on the Patient refuses the whole transaction too
        String stale = transaction("""
                {"fullUrl":"urn:uuid:0b6f3d3e-0000-4000-8000-000000000002","resource":{"resourceType":"Encounter",
                  "identifier":[{"system":"urn:test:tx","value":"stale"}],"status":"in-progress","class":{"code":"VR"}},
                 "request":{"method":"POST","url":"Encounter","ifNoneExist":"identifier=urn%3Atest%3Atx%7Cstale"}},
                {"resource":{"resourceType":"Patient","id":"pat-1001"},
                 "request":{"method":"PUT","url":"Patient/pat-1001","ifMatch":"W/\\"7\\""}}""");
        assertThat(stale).startsWith("412 ");
        assertThat(emr.count(Encounter.class)).isEqualTo(encountersBefore);
        assertThat(emr.read(Patient.class, "pat-1001").orElseThrow().getMeta().getVersionId()).isEqualTo("1");
    }

    /** POSTs a transaction Bundle of these entries to the sandbox: "status body". */
    String transaction(String entries) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + EmrConnections.SANDBOX_PATH)).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                        + entries + "]}")).build(), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() + " " + answer.body();
    }

    /** A new version of pat-1001, written over HTTP as another client would. */
    void touchPatient() {
        try {
            String base = "http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH + "/Patient/pat-1001";
            String current = http.send(HttpRequest.newBuilder(URI.create(base)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base))
                    .header("Content-Type", "application/fhir+json").PUT(HttpRequest.BodyPublishers.ofString(current)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).isEqualTo(200);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
