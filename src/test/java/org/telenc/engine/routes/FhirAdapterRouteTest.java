package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.telenc.engine.config.FhirConfiguration;
import org.telenc.engine.config.ClockConfiguration;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrOperations;
import org.telenc.engine.emr.EmrOperations.AddEncounterDetails;
import org.telenc.engine.emr.EmrOperations.AddEncounterNote;
import org.telenc.engine.emr.EmrOperations.AddRefill;
import org.telenc.engine.emr.EmrOperations.CreateEncounter;
import org.telenc.engine.emr.EmrOperations.EncounterCreated;
import org.telenc.engine.emr.EmrOperations.EncounterDetailsAdded;
import org.telenc.engine.emr.EmrOperations.EncounterRead;
import org.telenc.engine.emr.EmrOperations.EnsurePatientPharmacy;
import org.telenc.engine.emr.EmrOperations.FindPatient;
import org.telenc.engine.emr.EmrOperations.ListRefillableMedications;
import org.telenc.engine.emr.EmrOperations.Named;
import org.telenc.engine.emr.EmrOperations.NoteCreated;
import org.telenc.engine.emr.EmrOperations.PatientMatch;
import org.telenc.engine.emr.EmrOperations.PharmacyEnsured;
import org.telenc.engine.emr.EmrOperations.ReadEncounter;
import org.telenc.engine.emr.EmrOperations.RefillAdded;
import org.telenc.engine.emr.EmrOperations.RefillableMedication;
import org.telenc.engine.emr.EmrOperations.RefillableMedications;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.emr.fhir.FhirHttpHeaders;
import org.telenc.engine.emr.fhir.FhirPaging;
import org.telenc.engine.emr.fhir.FhirPharmacyLists;
import org.telenc.engine.emr.fhir.FhirRequests;
import org.telenc.engine.emr.fhir.FhirResponses;
import org.telenc.engine.observability.EngineMeters;
import org.telenc.engine.observability.FlowMeters;
import org.telenc.engine.support.AdapterRouteTestSupport;

/**
 * The FHIR adapter's job operations (routes/emr/fhir-r4.camel.yaml, {@code emr-fhir-r4-<operation>})
 * on a Camel-only context (see {@link DeliverRouteTest} for the idiom, {@link FhirHttpRoutesTest}
 * for the HTTP plumbing under them). Each test hands an operation its input record of
 * {@link EmrOperations} and the connection, as a flow does, and asserts the FHIR requests sent and
 * the result record out. Only the step that calls camel-http ({@code fhir-http}) is replaced, by a
 * mock answering with canned FHIR JSON; the request building ({@link FhirRequests},
 * {@link FhirPharmacyLists}), the answer reading ({@link FhirResponses}) and the plumbing are the
 * engine's. The pulls of sync (read-capabilities, pull-references) are left out: SyncRouteTest
 * stands in for them.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = FhirAdapterRouteTest.Beans.class, properties = {
        "camel.main.routes-include-pattern=file:routes/_shared/emr-call-retries.camel.yaml,file:routes/emr/fhir-r4.camel.yaml",
        "engine.emr.retry.attempts=1",
        "engine.emr.retry.delay-ms=5",
        "engine.emr.circuit.minimum-calls=1000"})
class FhirAdapterRouteTest extends AdapterRouteTestSupport {

    @Configuration(proxyBeanMethods = false)
    @Import({AdapterRouteTestSupport.Beans.class, FhirConfiguration.class, FhirRequests.class, FhirResponses.class,
            FhirPharmacyLists.class, FhirPaging.class, org.telenc.engine.emr.fhir.FhirEncounterTransactions.class,
            FhirHttpHeaders.class, FlowMeters.class, EngineMeters.class, ClockConfiguration.class})
    static class Beans {
    }

    static final Set<String> PULLS = Set.of("emr-fhir-r4-read-capabilities", "emr-fhir-r4-pull-references");
    static final String BASE = "https://emr.test/fhir";
    static final EmrConnection CONNECTION = new EmrConnection("conn-1", "fhir-r4", BASE, EmrConnection.FhirSettings.defaults(),
            EmrAuthSettings.none(), "active");
    static final ObjectMapper JSON = new ObjectMapper();

    @EndpointInject("mock:fhir-http")
    MockEndpoint emr;

    @BeforeEach
    void weaveAndStart() throws Exception {
        replaceHttp(routeId -> !PULLS.contains(routeId), "fhir-r4-http", "fhir-http", "mock:fhir-http");
    }

    @BeforeEach
    void credentials() {
        when(authorizations.authorizationHeader(eq("conn-1"), any())).thenReturn(Optional.of("Bearer test-token"));
    }

    @AfterEach
    void resetMocks() {
        MockEndpoint.resetMocks(camel);
    }

    /** Calls an operation as a flow does: the input record as the body, the job's connection in the adapter's property. */
    private Exchange call(String operation, Object input) {
        return call("fhir-r4", operation, CONNECTION, input);
    }

    private JsonNode sent(int index) throws Exception {
        return JSON.readTree(emr.getExchanges().get(index).getMessage().getBody(String.class));
    }

    private String uri(int index) {
        return emr.getExchanges().get(index).getMessage().getHeader(Exchange.HTTP_URI, String.class);
    }

    @Test
    void findPatientSearchesByMrnAndAnswersTheMatchingPatients() throws Exception {
        emr.whenAnyExchangeReceived(answer(200, """
                {"resourceType":"Bundle","type":"searchset","entry":[
                  {"resource":{"resourceType":"Patient","id":"pat-1"},"search":{"mode":"match"}},
                  {"resource":{"resourceType":"Organization","id":"org-1"},"search":{"mode":"include"}}]}"""));
        emr.expectedMessageCount(1);
        emr.expectedHeaderReceived(Exchange.HTTP_METHOD, "GET");

        PatientMatch match = result(call("find-patient", new FindPatient("100236")), PatientMatch.class);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(uri(0)).startsWith(BASE + "/Patient?identifier=").contains("100236").endsWith("&_count=2");
        assertThat(match.patientIds()).containsExactly("pat-1");
    }

    @Test
    void listRefillableMedicationsReadsTheActiveOrdersWithTheirMedications() throws Exception {
        emr.whenAnyExchangeReceived(answer(200, """
                {"resourceType":"Bundle","type":"searchset","entry":[
                  {"resource":{"resourceType":"MedicationRequest","id":"ord-1","status":"active","intent":"order",
                    "medicationReference":{"reference":"Medication/med-1"},"subject":{"reference":"Patient/pat-1"}}},
                  {"resource":{"resourceType":"MedicationRequest","id":"ord-2","status":"stopped","intent":"order",
                    "medicationCodeableConcept":{"text":"Aspirin"},"subject":{"reference":"Patient/pat-1"}}},
                  {"resource":{"resourceType":"Medication","id":"med-1","code":{"text":"Lisinopril 10 mg"}},
                    "search":{"mode":"include"}}]}"""));
        emr.expectedMessageCount(1);

        RefillableMedications medications = result(call("list-refillable-medications", new ListRefillableMedications("pat-1")),
                RefillableMedications.class);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(uri(0)).startsWith(BASE + "/MedicationRequest?patient=Patient%2Fpat-1&intent=order&status=active");
        assertThat(medications.medications()).containsExactly(new RefillableMedication("ord-1", "Lisinopril 10 mg"));
    }

    @Test
    void createEncounterIsAConditionalCreateOnTheJobKeyAndAnswersTheEncountersId() throws Exception {
        emr.whenAnyExchangeReceived(answer(201, "{\"resourceType\":\"Encounter\",\"id\":\"enc-1\"}"));
        emr.expectedMessageCount(1);
        emr.expectedHeaderReceived(Exchange.HTTP_METHOD, "POST");
        emr.expectedHeaderReceived(Exchange.HTTP_URI, BASE + "/Encounter");

        EncounterCreated created = result(call("create-encounter", new CreateEncounter("te-1", "pat-1", true,
                new Named("12241", "Dr. Lee"), new Named("31", "Main clinic"), "cough", null)), EncounterCreated.class);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(created.encounterId()).isEqualTo("enc-1");
        assertThat(emr.getExchanges().get(0).getMessage().getHeader(MessageHeaders.IF_NONE_EXIST, String.class))
                .startsWith("identifier=").endsWith("te-1");
        JsonNode encounter = sent(0);
        assertThat(encounter.path("resourceType").asText()).isEqualTo("Encounter");
        assertThat(encounter.path("subject").path("reference").asText()).isEqualTo("Patient/pat-1");
        assertThat(encounter.path("priority").path("coding").get(0).path("code").asText()).isEqualTo("UR");
    }

    @Test
    void aCreateTheEmrRefusesIsThrownToTheFlow() throws Exception {
        emr.whenAnyExchangeReceived(answer(422, "{\"resourceType\":\"OperationOutcome\"}"));
        emr.expectedMessageCount(1);

        Exchange done = call("create-encounter", new CreateEncounter("te-1", "pat-1", false,
                new Named("12241", null), new Named("31", null), null, null));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(done.getException()).isInstanceOfSatisfying(EmrPermanentException.class,
                e -> assertThat(e.reasonCode()).isEqualTo("emr_rejected"));
    }

    @Test
    void encounterDetailsAreTheCallAsACommunicationAndTheAssigneesTask() throws Exception {
        emr.whenExchangeReceived(1, answer(201, "{\"resourceType\":\"Communication\",\"id\":\"com-1\"}"));
        emr.whenExchangeReceived(2, answer(201, "{\"resourceType\":\"Task\",\"id\":\"task-1\"}"));
        emr.expectedMessageCount(2);
        emr.expectedHeaderValuesReceivedInAnyOrder(Exchange.HTTP_URI, BASE + "/Communication", BASE + "/Task");

        EncounterDetailsAdded added = result(call("add-encounter-details", new AddEncounterDetails("te-1", "pat-1", "enc-1", false,
                "Jane", "Please call back", new Named("12220", "Nurse Kim"))), EncounterDetailsAdded.class);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(added.encounterId()).isEqualTo("enc-1");
        assertThat(sent(0).path("resourceType").asText()).isEqualTo("Communication");
        assertThat(sent(0).path("encounter").path("reference").asText()).isEqualTo("Encounter/enc-1");
        assertThat(sent(1).path("resourceType").asText()).isEqualTo("Task");
        assertThat(sent(1).path("focus").path("reference").asText()).isEqualTo("Encounter/enc-1");
    }

    @Test
    void withoutCallerOrMessageTheDetailsAreTheTaskOnly() throws Exception {
        emr.whenAnyExchangeReceived(answer(201, "{\"resourceType\":\"Task\",\"id\":\"task-1\"}"));
        emr.expectedMessageCount(1);
        emr.expectedHeaderReceived(Exchange.HTTP_URI, BASE + "/Task");

        EncounterDetailsAdded added = result(call("add-encounter-details", new AddEncounterDetails("te-1", "pat-1", "enc-1", false,
                null, null, new Named("12220", null))), EncounterDetailsAdded.class);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(added.encounterId()).isEqualTo("enc-1");
    }

    @Test
    void addRefillProposesARefillBasedOnTheMatchedOrder() throws Exception {
        emr.whenAnyExchangeReceived(answer(201, "{\"resourceType\":\"MedicationRequest\",\"id\":\"ref-1\"}"));
        emr.expectedMessageCount(1);
        emr.expectedHeaderReceived(Exchange.HTTP_METHOD, "POST");
        emr.expectedHeaderReceived(Exchange.HTTP_URI, BASE + "/MedicationRequest");

        RefillAdded added = result(call("add-refill", new AddRefill("te-1", "pat-1", "enc-1",
                new RefillableMedication("ord-1", "Lisinopril 10 mg"), "12241", new Named("ph-1", "Corner pharmacy"))),
                RefillAdded.class);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(added).isNotNull();
        JsonNode refill = sent(0);
        assertThat(refill.path("basedOn").get(0).path("reference").asText()).isEqualTo("MedicationRequest/ord-1");
        assertThat(refill.path("encounter").path("reference").asText()).isEqualTo("Encounter/enc-1");
        assertThat(refill.path("dispenseRequest").path("performer").toString()).contains("ph-1");
    }

    @Test
    void ensurePatientPharmacyReadsAgainAndRedoesTheChangeWhenTheGuardedWriteLosesARace() throws Exception {
        String patientV1 = "{\"resourceType\":\"Patient\",\"id\":\"pat-1\",\"meta\":{\"versionId\":\"1\"}}";
        String patientV2 = "{\"resourceType\":\"Patient\",\"id\":\"pat-1\",\"meta\":{\"versionId\":\"2\"}}";
        String holding = """
                {"resourceType":"Patient","id":"pat-1","meta":{"versionId":"3"},"extension":[{"url":"%s",\
                "valueReference":{"reference":"Organization/ph-1"}}]}""".formatted(CONNECTION.settings().pharmacyExtensionUrl());
        emr.whenExchangeReceived(1, answer(200, patientV1));
        emr.whenExchangeReceived(2, answer(412, ""));
        emr.whenExchangeReceived(3, answer(200, patientV2));
        emr.whenExchangeReceived(4, answer(200, holding));
        emr.expectedMessageCount(4);

        PharmacyEnsured ensured = result(call("ensure-patient-pharmacy",
                new EnsurePatientPharmacy("pat-1", new Named("ph-1", "Corner pharmacy"))), PharmacyEnsured.class);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(ensured.pharmacyEhrId()).isEqualTo("ph-1");
        assertThat(emr.getExchanges()).extracting(e -> e.getMessage().getHeader(Exchange.HTTP_METHOD))
                .containsExactly("GET", "PUT", "GET", "PUT");
        assertThat(uri(0)).isEqualTo(BASE + "/Patient/pat-1");
        // each write is guarded by the version it changed
        assertThat(emr.getExchanges().get(1).getMessage().getHeader(MessageHeaders.IF_MATCH)).isEqualTo("W/\"1\"");
        assertThat(emr.getExchanges().get(3).getMessage().getHeader(MessageHeaders.IF_MATCH)).isEqualTo("W/\"2\"");
        assertThat(sent(3).path("extension").toString()).contains("Organization/ph-1");
    }

    @Test
    void ensurePatientPharmacyWritesNothingWhenTheListHoldsThePharmacyAlready() throws Exception {
        emr.whenAnyExchangeReceived(answer(200, """
                {"resourceType":"Patient","id":"pat-1","extension":[{"url":"%s",\
                "valueReference":{"reference":"Organization/ph-1"}}]}""".formatted(CONNECTION.settings().pharmacyExtensionUrl())));
        emr.expectedMessageCount(1);
        emr.expectedHeaderReceived(Exchange.HTTP_METHOD, "GET");

        PharmacyEnsured ensured = result(call("ensure-patient-pharmacy",
                new EnsurePatientPharmacy("pat-1", new Named("ph-1", null))), PharmacyEnsured.class);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(ensured.pharmacyEhrId()).isEqualTo("ph-1");
    }

    @Test
    void readEncounterAnswersItsSubject() throws Exception {
        emr.whenAnyExchangeReceived(answer(200,
                "{\"resourceType\":\"Encounter\",\"id\":\"enc-1\",\"status\":\"in-progress\",\"subject\":{\"reference\":\"Patient/pat-1\"}}"));
        emr.expectedMessageCount(1);
        emr.expectedHeaderReceived(Exchange.HTTP_URI, BASE + "/Encounter/enc-1");

        EncounterRead read = result(call("read-encounter", new ReadEncounter("enc-1")), EncounterRead.class);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(read).isEqualTo(EncounterRead.found("Patient/pat-1"));
    }

    @Test
    void anEncounterTheEmrDoesNotKnowIsANotFoundResultNotAFailure() throws Exception {
        emr.whenAnyExchangeReceived(answer(404, ""));
        emr.expectedMessageCount(1);

        EncounterRead read = result(call("read-encounter", new ReadEncounter("enc-404")), EncounterRead.class);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(read.found()).isFalse();
        assertThat(read.notFound()).contains("read-encounter").contains("404");
    }

    @Test
    void anIdThatCannotNameAnEncounterIsNotFoundWithoutAsking() throws Exception {
        emr.expectedMessageCount(0);

        EncounterRead read = result(call("read-encounter", new ReadEncounter("../Patient")), EncounterRead.class);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(read.found()).isFalse();
    }

    @Test
    void addEncounterNoteIsAConditionalCreateOnTheActionIdAndAnswersTheNotesId() throws Exception {
        emr.whenAnyExchangeReceived(answer(201, "{\"resourceType\":\"Communication\",\"id\":\"note-1\"}"));
        emr.expectedMessageCount(1);
        emr.expectedHeaderReceived(Exchange.HTTP_METHOD, "POST");
        emr.expectedHeaderReceived(Exchange.HTTP_URI, BASE + "/Communication");

        NoteCreated created = result(call("add-encounter-note", new AddEncounterNote("ac-1", "enc-1", "Patient/pat-1",
                new Named("user-1", "Nurse Kim"), false, Instant.parse("2026-01-05T10:00:00Z"), "Called back")), NoteCreated.class);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(created.noteId()).isEqualTo("note-1");
        assertThat(emr.getExchanges().get(0).getMessage().getHeader(MessageHeaders.IF_NONE_EXIST, String.class)).endsWith("ac-1");
        JsonNode note = sent(0);
        assertThat(note.path("encounter").path("reference").asText()).isEqualTo("Encounter/enc-1");
        assertThat(note.path("subject").path("reference").asText()).isEqualTo("Patient/pat-1");
        assertThat(note.path("payload").get(0).path("contentString").asText()).isEqualTo("Called back");
    }
}
