package org.telenc.engine.sandbox.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestIntent;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox EMR over real HTTP: one embedded Tomcat for the class, the store reset before each test. */
class SandboxFhirServerTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String FHIR_JSON = "application/fhir+json";
    private static final String ENCOUNTER_ID_SYSTEM = "urn:telenc:test:encounter";

    @TempDir
    static Path tomcatDir;

    private static final SandboxFhirStore STORE = SandboxFhirStore.seeded();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Tomcat tomcat;
    private static String base;

    @BeforeAll
    static void startServer() throws LifecycleException {
        tomcat = new Tomcat();
        tomcat.setBaseDir(tomcatDir.toString());
        tomcat.setPort(0);
        Context context = tomcat.addContext("", tomcatDir.toString());
        Tomcat.addServlet(context, "fhir", new SandboxFhirServer(FHIR, STORE)).setLoadOnStartup(1);
        context.addServletMappingDecoded("/fhir/*", "fhir");
        tomcat.getConnector();
        tomcat.start();
        base = "http://localhost:" + tomcat.getConnector().getLocalPort() + "/fhir";
    }

    @AfterAll
    static void stopServer() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }

    @BeforeEach
    void resetStore() {
        STORE.reset();
    }

    @Test
    void patientIdentifierSearchReallyFiltersBySystemAndValue() throws Exception {
        assertThat(ids(search("Patient?identifier=urn:telenc:sandbox:mrn%7C100234"))).containsExactly("pat-1001");
        assertThat(ids(search("Patient?identifier=urn:telenc:sandbox:mrn%7C999999"))).isEmpty();
        assertThat(ids(search("Patient?identifier=urn:telenc:sandbox:mrn%7C100299"))).containsExactly("pat-1004", "pat-1005");
        assertThat(ids(search("Patient?identifier=urn:other:mrn%7C100234"))).isEmpty();
        assertThat(ids(search("Patient?identifier=100235"))).containsExactly("pat-1002");
    }

    @Test
    void medicationRequestSearchCombinesPatientIntentAndStatus() throws Exception {
        List<String> activeOrders = List.of("mr-1001-1", "mr-1001-2", "mr-1001-3", "mr-1001-4", "mr-1001-5", "mr-1001-7");
        assertThat(ids(search("MedicationRequest?patient=Patient/pat-1001&intent=order&status=active")))
                .containsExactlyElementsOf(activeOrders);
        assertThat(ids(search("MedicationRequest?patient=pat-1001&intent=order&status=active")))
                .containsExactlyElementsOf(activeOrders);
        assertThat(ids(search("MedicationRequest?patient=pat-1001&status=completed"))).containsExactly("mr-1001-6");
        assertThat(ids(search("MedicationRequest?patient=pat-1003"))).isEmpty();
        assertThat(ids(search("MedicationRequest?patient=pat-1001&intent=proposal"))).isEmpty();
    }

    @Test
    void includeReturnsTheReferencedMedication() throws Exception {
        Bundle withInclude = search("MedicationRequest?patient=pat-1002&_include=MedicationRequest:medication");
        assertThat(withInclude.getEntry())
                .filteredOn(entry -> entry.getSearch().getMode() == SearchEntryMode.INCLUDE)
                .extracting(entry -> entry.getResource().getIdElement().toUnqualifiedVersionless().getValue())
                .containsExactly("Medication/med-albuterol");
        assertThat(ids(search("MedicationRequest?patient=pat-1002"))).containsExactly("mr-1002-1", "mr-1002-2");
    }

    @Test
    void organizationTypeSearchReturnsOnlyPharmacies() throws Exception {
        assertThat(ids(search("Organization?type=http://terminology.hl7.org/CodeSystem/v3-RoleCode%7CPHARM")))
                .containsExactly("PH-2001", "PH-2002", "PH-2003");
        assertThat(ids(search("Organization?type=PHARM&active=true"))).containsExactly("PH-2001", "PH-2002");
    }

    @Test
    void practitionerAndLocationSearchesFilterByActivity() throws Exception {
        assertThat(ids(search("Practitioner?active=true"))).containsExactly("12241", "12242", "12220", "12221", "12222");
        assertThat(ids(search("Practitioner?identifier=http://hl7.org/fhir/sid/us-npi%7C1245319599"))).containsExactly("12242");
        assertThat(ids(search("Location?status=active"))).containsExactly("31", "32");
        assertThat(ids(search("Location?_id=33"))).containsExactly("33");
    }

    @Test
    void searchesTheSandboxCannotEvaluateAreRefusedNotIgnored() throws Exception {
        assertThat(get("Patient?address=Springfield").statusCode()).isEqualTo(400);
        assertThat(get("Patient?identifier:not=100234").statusCode()).isEqualTo(400);
        assertThat(get("MedicationRequest?patient.identifier=100234").statusCode()).isEqualTo(400);
    }

    @Test
    void countPagesWithANextLink() throws Exception {
        Bundle firstPage = search("MedicationRequest?patient=pat-1001&_count=2");
        assertThat(firstPage.getEntry()).hasSize(2);
        assertThat(firstPage.getLink(Bundle.LINK_NEXT)).isNotNull();
    }

    @Test
    void conditionalCreateIsIdempotent() throws Exception {
        HttpResponse<String> first = create(encounter("call-1"), "identifier=" + ENCOUNTER_ID_SYSTEM + "%7Ccall-1");
        HttpResponse<String> second = create(encounter("call-1"), "identifier=" + ENCOUNTER_ID_SYSTEM + "|call-1");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(parse(Encounter.class, second).getIdElement().getIdPart())
                .isEqualTo(parse(Encounter.class, first).getIdElement().getIdPart());
        assertThat(STORE.count(Encounter.class)).isEqualTo(1);
        assertThat(create(encounter("call-2"), "identifier=" + ENCOUNTER_ID_SYSTEM + "%7Ccall-2").statusCode()).isEqualTo(201);
        assertThat(STORE.count(Encounter.class)).isEqualTo(2);
    }

    @Test
    void concurrentConditionalCreatesCreateOneResource() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        Callable<HttpResponse<String>> createTask = () -> {
            start.await();
            Task task = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
            task.addIdentifier().setSystem("urn:telenc:test:task").setValue("assign-1");
            return create(task, "identifier=urn:telenc:test:task%7Cassign-1");
        };
        try {
            List<Future<HttpResponse<String>>> futures = Stream.generate(() -> pool.submit(createTask)).limit(threads).toList();
            start.countDown();
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> future : futures) {
                responses.add(future.get());
            }
            assertThat(responses).extracting(HttpResponse::statusCode).containsOnlyOnce(201).containsOnly(200, 201);
            assertThat(responses).extracting(response -> parse(Task.class, response).getIdElement().getIdPart())
                    .containsOnly(STORE.all(Task.class).get(0).getIdElement().getIdPart());
            assertThat(STORE.count(Task.class)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void controlledSubstanceRefillIsRejectedWith422() throws Exception {
        HttpResponse<String> response = create(refillOf("mr-1001-5"), null);

        assertThat(response.statusCode()).isEqualTo(422);
        OperationOutcome.OperationOutcomeIssueComponent issue = parse(OperationOutcome.class, response).getIssueFirstRep();
        assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.ERROR);
        assertThat(issue.getCode()).isEqualTo(IssueType.BUSINESSRULE);
        assertThat(issue.getDiagnostics())
                .isEqualTo("Controlled-substance refills must be e-prescribed (EPCS); refill request rejected.");
        assertThat(STORE.find(MedicationRequest.class, r -> r.getIntent() == MedicationRequestIntent.PROPOSAL)).isEmpty();
    }

    @Test
    void refillOfAnOrdinaryOrderIsCreatedAndOfAMissingOrderRejected() throws Exception {
        assertThat(create(refillOf("mr-1001-1"), null).statusCode()).isEqualTo(201);
        assertThat(ids(search("MedicationRequest?patient=pat-1001&intent=proposal"))).hasSize(1);
        assertThat(create(refillOf("mr-9999"), null).statusCode()).isEqualTo(422);
    }

    @Test
    void patientUpdateAddsAPharmacyAndHonoursIfMatch() throws Exception {
        Patient patient = parse(Patient.class, get("Patient/pat-1002"));
        patient.addExtension(SandboxDemoData.PREFERRED_PHARMACY_EXTENSION, new Reference("Organization/PH-2002"));

        assertThat(put(patient, "W/\"1\"").statusCode()).isEqualTo(200);
        Patient updated = parse(Patient.class, get("Patient/pat-1002"));
        assertThat(updated.getExtensionsByUrl(SandboxDemoData.PREFERRED_PHARMACY_EXTENSION))
                .extracting(extension -> ((Reference) extension.getValue()).getReference())
                .containsExactly("Organization/PH-2002");
        assertThat(updated.getMeta().getVersionId()).isEqualTo("2");
        assertThat(put(patient, "W/\"1\"").statusCode()).isIn(409, 412);
    }

    @Test
    void unknownIdIsNotFound() throws Exception {
        assertThat(get("Patient/pat-9999").statusCode()).isEqualTo(404);
        assertThat(get("MedicationRequest/mr-9999").statusCode()).isEqualTo(404);
    }

    @Test
    void encounterReadAndANoteOnItByConditionalCreate() throws Exception {
        String encounterId = parse(Encounter.class, create(encounter("call-note"), null)).getIdElement().getIdPart();
        String otherId = parse(Encounter.class, create(encounter("call-other"), null)).getIdElement().getIdPart();
        HttpResponse<String> read = get("Encounter/" + encounterId);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(parse(Encounter.class, read).getSubject().getReference()).isEqualTo("Patient/pat-1001");
        assertThat(get("Encounter/no-such-encounter").statusCode()).isEqualTo(404);

        Communication note = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED)
                .setEncounter(new Reference("Encounter/" + encounterId)).setSubject(new Reference("Patient/pat-1001"));
        note.addIdentifier().setSystem("urn:telenc:test:action").setValue("action-1");
        note.addPayload().setContent(new StringType("[2026-11-24 10:15 EST] Jane Nurse: called back"));
        HttpResponse<String> first = create(note, "identifier=urn:telenc:test:action%7Caction-1");
        HttpResponse<String> again = create(note, "identifier=urn:telenc:test:action%7Caction-1");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        String noteId = parse(Communication.class, first).getIdElement().getIdPart();
        assertThat(parse(Communication.class, again).getIdElement().getIdPart()).isEqualTo(noteId);
        assertThat(ids(search("Communication?encounter=Encounter/" + encounterId))).containsExactly(noteId);
        assertThat(ids(search("Communication?encounter=" + otherId))).isEmpty();
        assertThat(ids(search("Communication?identifier=urn:telenc:test:action%7Caction-1"))).containsExactly(noteId);
        assertThat(parse(Communication.class, get("Communication/" + noteId)).getPayloadFirstRep().getContentStringType().getValue())
                .isEqualTo("[2026-11-24 10:15 EST] Jane Nurse: called back");
    }

    private static Encounter encounter(String callId) {
        Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.INPROGRESS)
                .setSubject(new Reference("Patient/pat-1001"));
        encounter.addIdentifier().setSystem(ENCOUNTER_ID_SYSTEM).setValue(callId);
        return encounter;
    }

    private static MedicationRequest refillOf(String orderId) {
        return new MedicationRequest()
                .setStatus(MedicationRequestStatus.DRAFT)
                .setIntent(MedicationRequestIntent.PROPOSAL)
                .setSubject(new Reference("Patient/pat-1001"))
                .setPriorPrescription(new Reference("MedicationRequest/" + orderId));
    }

    private static Bundle search(String query) throws Exception {
        HttpResponse<String> response = get(query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return parse(Bundle.class, response);
    }

    private static List<String> ids(Bundle bundle) {
        return bundle.getEntry().stream()
                .filter(entry -> entry.getSearch().getMode() == SearchEntryMode.MATCH)
                .map(BundleEntryComponent::getResource)
                .map(resource -> resource.getIdElement().getIdPart())
                .toList();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/" + path)).GET());
    }

    private static HttpResponse<String> create(IBaseResource resource, String ifNoneExist) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/" + resource.fhirType()))
                .header("Content-Type", FHIR_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(resource)));
        if (ifNoneExist != null) {
            request.header("If-None-Exist", ifNoneExist);
        }
        return send(request);
    }

    private static HttpResponse<String> put(Patient patient, String ifMatch) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/Patient/" + patient.getIdElement().getIdPart()))
                .header("Content-Type", FHIR_JSON)
                .header("If-Match", ifMatch)
                .PUT(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(patient))));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Accept", FHIR_JSON).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <T extends IBaseResource> T parse(Class<T> type, HttpResponse<String> response) {
        return FHIR.newJsonParser().parseResource(type, response.body());
    }
}
