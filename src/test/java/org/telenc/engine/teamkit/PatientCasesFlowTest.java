package org.telenc.engine.teamkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.telenc.engine.admin.AdminAuthenticator;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.WebhookReceiver;
import org.telenc.engine.support.Json;
import org.telenc.engine.config.EngineProperties;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The example adapter written in YAML only (routes/examples/patient-cases-emr, loaded through
 * {@code engine.routes.extra-location}) runs the whole flow: a connection of type
 * {@code patient-cases} made through the admin API points at a real HTTP server standing in for the
 * EMR ({@link PatientCasesEmr}), its references are synced, a client and token of its own post
 * telephone encounters and actions, and the signed webhook reports each outcome, as for the FHIR
 * adapter: created, created_partial (refill refused, pharmacy refused), failed (patient not found,
 * two patients, medication not found or ambiguous, login refused, EMR unavailable after the retry
 * window), and one case however often the job is processed.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
// a test property source, not a dynamic one: the folder must be known before Camel reads its route pattern
@TestPropertySource(properties = "engine.routes.extra-location=" + PatientCasesFlowTest.FOLDER)
class PatientCasesFlowTest extends EngineTest {

    static final String FOLDER = "routes/examples/patient-cases-emr";
    static final String ADMIN = "Bearer " + AdminAuthenticator.DEMO_TOKEN;
    static final PatientCasesEmr EMR = start();
    static String clientId;
    static String clientSecret;
    static String token;

    @Autowired
    EngineProperties properties;
    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    static PatientCasesEmr start() {
        try {
            return new PatientCasesEmr();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void teamRoutes(DynamicPropertyRegistry registry) {
        ownEngine(registry, "patient-cases");
        // a job the EMR keeps failing retryably fails soon after the window, not after an hour
        registry.add("engine.emr.retry.window", () -> "3s");
    }

    @AfterAll
    static void stopEmr() {
        EMR.close();
    }

    HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").header("Authorization", ADMIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> asTeam(String method, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").header("client_id", clientId)
                .header("client_secret", clientSecret).header("access_token", token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    @BeforeEach
    void connectionClientAndToken() throws Exception {
        EMR.reset();
        if (token != null) {
            return;
        }
        HttpResponse<String> connection = admin("POST", "/admin/v1/connections", Json.object("name", "team-patient-cases",
                "emr_type", "patient-cases", "base_url", EMR.baseUrl(),
                "auth", Json.node("type", "bearer", "token", PatientCasesEmr.TOKEN),
                "settings", Json.node("practice_id", PatientCasesEmr.PRACTICE)));
        assertThat(connection.statusCode()).as(connection.body()).isEqualTo(200);
        HttpResponse<String> synced = admin("POST", "/admin/v1/connections/team-patient-cases/sync", null);
        assertThat(synced.statusCode()).as(synced.body()).isEqualTo(200);
        assertThat(EMR.requests()).hasSize(4);
        assertThat(JSON.readTree(synced.body()).path("connection").path("last_synced_at").asText()).isNotEqualTo("null");
        clientId = "team-client";
        HttpResponse<String> client = admin("POST", "/admin/v1/clients", Json.object("client_id", clientId, "name", "Team"));
        assertThat(client.statusCode()).as(client.body()).isEqualTo(200);
        clientSecret = JSON.readTree(client.body()).path("client_secret").asText();
        HttpResponse<String> issued = admin("POST", "/admin/v1/clients/" + clientId + "/access-tokens",
                "{\"connection\":\"team-patient-cases\",\"emr_user_ehr_id\":\"12222\",\"access_token_reference_id\":\"team-clinic\"}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        token = JSON.readTree(issued.body()).path("access_token").asText();
        HttpResponse<String> hook = asTeam("POST", "/v1/webhook", Json.object("webhook_url", receiver.url()));
        assertThat(hook.statusCode()).as(hook.body()).isEqualTo(200);
    }

    record Done(String id, String jobId, JsonNode event) {
        String type() {
            return event.path("type").asText();
        }

        List<String> reasons() {
            return event.path("data").path("reasons").findValuesAsText("code");
        }
    }

    Done submit(String body) throws Exception {
        HttpResponse<String> response = asTeam("POST", "/v1/telephone-encounters", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode accepted = JSON.readTree(response.body());
        String id = accepted.path("telephone_encounter_id").asText();
        WebhookReceiver.Received delivery = receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30));
        JsonNode event = JSON.readTree(delivery.bodyText());
        assertThat(event.path("access_token_reference_id").asText()).isEqualTo("team-clinic");
        return new Done(id, accepted.path("job_id").asText(), event);
    }

    /** The requests the EMR answered after the first case was written. */
    static int callsAfterTheWrite() {
        List<String> requests = EMR.requests();
        for (int i = 0; i < requests.size(); i++) {
            if (requests.get(i).startsWith("POST ") && requests.get(i).endsWith("/cases")) {
                return requests.size() - i - 1;
            }
        }
        return 0;
    }

    static String body(String mrn, String medication, String pharmacy) {
        return Json.object("patient_mrn", mrn, "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220",
                "reason", "Refill", "caller", "Daughter", "message", "Please call back", "is_high_priority", "true",
                "refill_medication_name", medication, "pharmacy_ehr_id", pharmacy);
    }

    @Test
    void referenceSyncStoredTheEmrsProvidersLocationsStaffAndPharmacies() throws Exception {
        JsonNode providers = JSON.readTree(asTeam("GET", "/v1/providers", null).body());
        assertThat(providers.toString()).contains("Alice Morgan, MD").contains("12241");
        assertThat(JSON.readTree(asTeam("GET", "/v1/pharmacies", null).body()).toString()).contains("PH-2001", "PH-2002");
    }

    @Test
    void createdWithRefillAndPharmacy() throws Exception {
        Done done = submit(body("100234", "lisinopril", "PH-2002"));
        assertThat(done.type()).isEqualTo("telephone_encounter.created");
        List<PatientCasesEmr.Case> cases = EMR.casesWithExternalId(done.id());
        assertThat(cases).hasSize(1);
        PatientCasesEmr.Case created = cases.get(0);
        JsonNode data = done.event().path("data");
        assertThat(data.path("emr_appointment_id").asText()).isEqualTo(created.id());
        assertThat(data.path("refill_medication_name").asText()).isEqualTo("Lisinopril 10 mg tablet");
        assertThat(data.path("pharmacy_ehr_id").asText()).isEqualTo("PH-2002");
        assertThat(created.patientId()).isEqualTo("101");
        assertThat(created.created().path("provider_id").asText()).isEqualTo("12241");
        assertThat(created.created().path("department_id").asText()).isEqualTo("31");
        assertThat(created.created().path("priority_high").asBoolean()).isTrue();
        assertThat(created.created().path("reason").asText()).isEqualTo("Refill");
        JsonNode details = created.details().get("details");
        assertThat(details.path("caller").asText()).isEqualTo("Daughter");
        assertThat(details.path("message").asText()).isEqualTo("Please call back");
        assertThat(details.path("assigned_to").asText()).isEqualTo("12220");
        assertThat(created.refills()).hasSize(1);
        assertThat(created.refills().get(0).path("medication_id").asText()).isEqualTo("m-11");
        assertThat(created.refills().get(0).path("pharmacy_id").asText()).isEqualTo("PH-2002");
        assertThat(EMR.pharmaciesOf("101")).containsExactly("PH-2002");
        JsonNode status = JSON.readTree(asTeam("GET", "/v1/telephone-encounters/" + done.id(), null).body());
        assertThat(status.path("telephone_encounter").path("status").asText()).isEqualTo("completed");
        // each call of the YAML adapter is a step of the job's timeline, as the FHIR adapter's are
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "select name || ' ' || http_status || ' ' || outcome from job_step where job_id = ? and kind = 'emr_call' order by at, id",
                String.class, Long.parseLong(done.jobId())))
                .contains("find-patient 200 ok", "list-refillable-medications 200 ok", "add-refill 201 ok")
                .anySatisfy(step -> assertThat(step).matches("create-case 20[01] ok"))
                .allSatisfy(step -> assertThat(step).matches("[a-z-]+ 20[0-9] ok")));
    }

    @Test
    void createdWithoutRefillOrPharmacy() throws Exception {
        Done done = submit(body("100236", null, null));
        assertThat(done.type()).isEqualTo("telephone_encounter.created");
        assertThat(EMR.casesWithExternalId(done.id())).hasSize(1);
        assertThat(EMR.casesWithExternalId(done.id()).get(0).refills()).isEmpty();
    }

    @Test
    void createdPartialWhenTheEmrRefusesTheRefill() throws Exception {
        Done done = submit(body("100234", "oxycodone", null));
        assertThat(done.type()).isEqualTo("telephone_encounter.created_partial");
        assertThat(done.reasons()).containsExactly("refill_not_added");
        assertThat(EMR.casesWithExternalId(done.id())).hasSize(1);
        assertThat(EMR.casesWithExternalId(done.id()).get(0).refills()).isEmpty();
    }

    @Test
    void createdPartialWhenTheEmrRefusesThePharmacy() throws Exception {
        EMR.refusePharmacies = true;
        Done done = submit(body("100234", "lisinopril", "PH-2001"));
        assertThat(done.type()).isEqualTo("telephone_encounter.created_partial");
        assertThat(done.reasons()).containsExactly("pharmacy_not_added");
        assertThat(EMR.casesWithExternalId(done.id())).hasSize(1);
        assertThat(EMR.pharmaciesOf("101")).isEmpty();
    }

    @Test
    void failedWhenNoPatientHasTheMrn() throws Exception {
        Done done = submit(body("999999", null, null));
        assertThat(done.type()).isEqualTo("telephone_encounter.failed");
        assertThat(done.reasons()).containsExactly("patient_not_found");
        assertThat(EMR.cases()).isEmpty();
    }

    @Test
    void failedWhenTwoPatientsShareTheMrn() throws Exception {
        Done done = submit(body("100299", null, null));
        assertThat(done.reasons()).containsExactly("patient_not_found");
        assertThat(EMR.cases()).isEmpty();
    }

    @Test
    void failedWithTheRefillableListWhenNoMedicationMatches() throws Exception {
        Done done = submit(body("100234", "ibuprofen", null));
        assertThat(done.type()).isEqualTo("telephone_encounter.failed");
        assertThat(done.reasons()).containsExactly("medication_not_found");
        assertThat(done.event().path("data").path("available_medications")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("Lisinopril 10 mg tablet", "Metoprolol succinate ER 25 mg tablet",
                        "Metoprolol tartrate 50 mg tablet", "Oxycodone 5 mg tablet");
        assertThat(EMR.cases()).as("nothing is written on a failed match").isEmpty();
    }

    @Test
    void failedWithTheCandidatesWhenSeveralMedicationsMatch() throws Exception {
        Done done = submit(body("100234", "Metoprolol", null));
        assertThat(done.reasons()).containsExactly("medication_ambiguous");
        assertThat(EMR.cases()).isEmpty();
    }

    @Test
    void failedWithLoginRequiredWhenTheEmrRefusesTheCredentials() throws Exception {
        EMR.refuseToken = true;
        Done done = submit(body("100236", null, null));
        assertThat(done.type()).isEqualTo("telephone_encounter.failed");
        assertThat(done.reasons()).containsExactly("login_required");
        assertThat(EMR.cases()).isEmpty();
        // the connection stays usable: fewer refusals in a row than expire it
        assertThat(JSON.readTree(admin("GET", "/admin/v1/connections", null).body()).toString()).contains("team-patient-cases");
    }

    @Test
    void failedWithEmrUnavailableAfterTheRetryWindow() throws Exception {
        EMR.outage = true;
        Done done = submit(body("100236", null, null));
        assertThat(done.type()).isEqualTo("telephone_encounter.failed");
        assertThat(done.reasons()).containsExactly("emr_unavailable");
        assertThat(EMR.requests().size()).as("retried in the route and deferred before failing").isGreaterThan(2);
        assertThat(EMR.cases()).isEmpty();
    }

    @Test
    void aCrashAfterTheCaseWasCreatedLeavesOneCase() throws Exception {
        EMR.failAfterCreate.set(1); // the case is stored, the answer is a 500: the engine tries again
        Done done = submit(body("100234", "lisinopril", null));
        assertThat(done.type()).isEqualTo("telephone_encounter.created");
        assertThat(EMR.casesWithExternalId(done.id())).hasSize(1);
        assertThat(EMR.requests().stream().filter(r -> r.startsWith("POST ") && r.endsWith("/cases")).count())
                .as("the create was sent again after the 500, under the same Idempotency-Key").isEqualTo(2);
        assertThat(EMR.casesWithExternalId(done.id()).get(0).refills()).hasSize(1);
    }

    @Test
    void aJobRunAgainAfterAnOutageFindsItsCaseAndCreatesNoSecond() throws Exception {
        EMR.outageAfterCreate = true; // the case is written, then the EMR goes down: the job is deferred and runs again
        // the first run's call after the write and each of its in-route redeliveries
        int inRouteCalls = 1 + properties.emr().retry().attempts();
        Thread recovery = new Thread(() -> {
            // past the in-route retries (each answered 503): the job is deferred through the broker; then the EMR is back
            await("the first run's calls after the write").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> callsAfterTheWrite() >= inRouteCalls);
            EMR.outage = false;
        });
        recovery.start();
        Done done = submit(body("100236", null, null));
        recovery.join();
        assertThat(done.type()).isEqualTo("telephone_encounter.created");
        assertThat(EMR.casesWithExternalId(done.id())).hasSize(1);
        assertThat(EMR.requests().stream().filter(r -> r.startsWith("POST ") && r.endsWith("/cases")).count())
                .as("the second run found the case by its external id").isEqualTo(1);
        assertThat(EMR.requests().stream().filter(r -> r.startsWith("GET ") && r.endsWith("/cases")).count())
                .as("looked up on each run").isGreaterThanOrEqualTo(2);
    }

    @Test
    void anActionAddsANoteToTheCaseAndAnUnknownCaseIsNotFound() throws Exception {
        Done done = submit(body("100236", null, null));
        String caseId = done.event().path("data").path("emr_appointment_id").asText();
        String action = JSON.createObjectNode().put("emr_appointment_id", caseId).put("text", "Called back, all fine")
                .put("is_high_priority", "false").toString();
        HttpResponse<String> accepted = asTeam("POST", "/v1/telephone-encounters/actions", action);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String actionId = JSON.readTree(accepted.body()).path("action_id").asText();
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(actionId), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter_action.created");
        List<JsonNode> notes = EMR.casesWithExternalId(done.id()).get(0).notes();
        assertThat(notes).hasSize(1);
        assertThat(notes.get(0).path("note").asText()).contains("Called back, all fine");

        String unknown = JSON.createObjectNode().put("emr_appointment_id", "case-404").put("text", "x")
                .put("is_high_priority", "false").toString();
        String unknownId = JSON.readTree(asTeam("POST", "/v1/telephone-encounters/actions", unknown).body()).path("action_id").asText();
        JsonNode failed = JSON.readTree(receiver.awaitOne(b -> b.contains(unknownId), Duration.ofSeconds(30)).bodyText());
        assertThat(failed.path("type").asText()).isEqualTo("telephone_encounter_action.failed");
        assertThat(failed.path("data").path("reasons").findValuesAsText("code")).containsExactly("encounter_not_found");
    }
}
