package org.telenc.engine.extension;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Encounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.FaultyEmrProxy;
import org.telenc.engine.support.Json;
import org.telenc.engine.support.TeamRouteFolder;

/**
 * The hook points where clinics differ ({@code after-match}, {@code emr-refusal}) and the failure
 * codes a connection declares for them, on the whole engine: broker, database, the FHIR sandbox as
 * the EMR over HTTP (behind a refusing proxy for the EMR's refusals), a real webhook receiver. The
 * team folder holds the clinic-extensions examples and this test's own routes. Each clinic is a
 * connection made through the admin API with its own access token; the webhook's outcome and
 * reason code are what is asserted, and what the EMR holds.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // an engine of its own (team routes, fast redelivery)
@TestPropertySource(properties = "engine.routes.extra-location=target/test-data/hook-points-team-routes")
class HookPointsTest extends EngineTest {

    static final Path TEAM_ROUTES = Path.of("target", "test-data", "hook-points-team-routes").toAbsolutePath();
    static final String JOB_SYSTEM = "urn:telenc:telephone-encounter";
    static final String REFUSED = "Clinic T files no telephone encounter for this patient.";

    /** Hooks of the test: one refuses with a code, one answers a code, one throws (with PHI-free text). */
    static final String TEST_ROUTES = """
            - route:
                id: test-after-match-refuses
                from:
                  uri: direct:test-after-match-refuses
                  steps:
                    - setBody:
                        method:
                          ref: extensions
                          method: "refuse('patient_not_found', 'Clinic T files no telephone encounter for this patient.')"
            - route:
                id: test-emr-refusal-login
                from:
                  uri: direct:test-emr-refusal-login
                  steps:
                    - setBody:
                        method:
                          ref: extensions
                          method: "set(${body}, 'reason_code', 'login_required')"
            - route:
                id: test-after-match-adds
                from:
                  uri: direct:test-after-match-adds
                  steps:
                    - setBody:
                        constant: '{"patient_ids": ["pat-1003"], "medication_order_ids": []}'
                    - unmarshal:
                        json:
                          library: Jackson
            - route:
                id: test-hook-throws
                from:
                  uri: direct:test-hook-throws
                  steps:
                    - throwException:
                        exceptionType: java.lang.IllegalStateException
                        message: "the hook gave up on Jane Doe"
            """;

    static {
        TeamRouteFolder.withExamplesAnd(TEAM_ROUTES, "test-hooks.camel.yaml", TEST_ROUTES);
    }

    @DynamicPropertySource
    static void teamRoutes(DynamicPropertyRegistry registry) {
        ownEngine(registry, "hook-points");
        registry.add("engine.broker.redelivery.maximum-redeliveries", () -> "1");
        registry.add("engine.broker.redelivery.initial-delay", () -> "1s"); // the broker's least
        registry.add("engine.broker.redelivery.maximum-delay", () -> "1s");
    }

    @Autowired
    SandboxFhirStore emr;

    FaultyEmrProxy proxy;

    @AfterEach
    void closeProxy() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
    }

    /** A new connection (at {@code baseUrl}) with these settings, synced, and a token of the demo client on it. */
    String clinic(String name, String baseUrl, String settings) throws Exception {
        String clinic = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> made = admin("POST", "/admin/v1/connections", Json.object("name", clinic, "emr_type", "fhir-r4",
                "base_url", baseUrl, "settings", Json.tree(settings)));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
        assertThat(admin("POST", "/admin/v1/connections/" + clinic + "/sync", null).statusCode()).isEqualTo(200);
        HttpResponse<String> token = admin("POST", "/admin/v1/clients/" + CLIENT_ID + "/access-tokens", Json.object(
                "connection", clinic, "emr_user_ehr_id", "12222", "access_token_reference_id", clinic));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return JSON.readTree(token.body()).path("access_token").asText();
    }

    String clinic(String name, String settings) throws Exception {
        return clinic(name, "embedded:sandbox", settings);
    }

    HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer demo-admin-token")
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Submits an encounter for the MRN (and refill) on the token's connection: the webhook event that ends it. */
    JsonNode submit(String token, String mrn, String medication) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("patient_mrn", mrn).put("provider_id", "12241").put("location_id", "31")
                .put("assigned_to_id", "12220").put("reason", "Refill").put("caller", "Jane Doe").put("message", "Out of pills");
        if (medication != null) {
            body.put("refill_medication_name", medication);
        }
        HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/v1/telephone-encounters"))
                .header("Content-Type", "application/json").header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET)
                .header("access_token", token).POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String id = JSON.readTree(answer.body()).path("telephone_encounter_id").asText();
        return JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(40)).bodyText());
    }

    static List<String> codes(JsonNode event) {
        return event.path("data").path("reasons").findValuesAsText("code");
    }

    List<Encounter> encountersOf(JsonNode event) {
        String id = event.path("data").path("telephone_encounter_id").asText();
        return emr.find(Encounter.class, e -> e.getIdentifier().stream()
                .anyMatch(i -> JOB_SYSTEM.equals(i.getSystem()) && id.equals(i.getValue())));
    }

    @Test
    void afterMatchChoosesOneOfThePatientsThatShareTheMrn() throws Exception {
        String choosing = clinic("clinic-choose", """
                {"extensions": {"after-match": "clinic-a-after-match"}, "preferred_patient_ids": ["pat-0000", "pat-1005"]}""");
        String without = clinic("clinic-plain", "{}");

        JsonNode chosen = submit(choosing, "100299", null);
        assertThat(chosen.path("type").asText()).as(chosen.toString()).isEqualTo("telephone_encounter.created");
        assertThat(encountersOf(chosen)).singleElement()
                .satisfies(e -> assertThat(e.getSubject().getReference()).isEqualTo("Patient/pat-1005"));

        // the same MRN without the hook: the engine's rule, patient_not_found, nothing written
        JsonNode refused = submit(without, "100299", null);
        assertThat(refused.path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(codes(refused)).containsExactly("patient_not_found");
        assertThat(encountersOf(refused)).isEmpty();
    }

    @Test
    void afterMatchChoosesOneOfTheRefillOrdersThatMatch() throws Exception {
        String choosing = clinic("clinic-order", """
                {"extensions": {"after-match": "clinic-a-after-match"}, "preferred_order_ids": ["mr-1001-4"]}""");
        JsonNode chosen = submit(choosing, "100234", "Metoprolol");
        assertThat(chosen.path("type").asText()).as(chosen.toString()).isEqualTo("telephone_encounter.created");
        assertThat(chosen.path("data").path("refill_medication_name").asText()).isEqualTo("Metoprolol tartrate 50 mg tablet");

        // a preference that is not a candidate adds nothing: still ambiguous, with the candidates
        String elsewhere = clinic("clinic-order-other", """
                {"extensions": {"after-match": "clinic-a-after-match"}, "preferred_order_ids": ["mr-1002-2"]}""");
        JsonNode ambiguous = submit(elsewhere, "100234", "Metoprolol");
        assertThat(codes(ambiguous)).containsExactly("medication_ambiguous");
        assertThat(ambiguous.path("data").path("available_medications")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("Metoprolol succinate ER 25 mg tablet", "Metoprolol tartrate 50 mg tablet");
        assertThat(encountersOf(ambiguous)).isEmpty();
    }

    @Test
    void afterMatchRefusesWithADeclaredCodeAndAnUndeclaredOneEndsInInternalError() throws Exception {
        String declared = clinic("clinic-refuse", """
                {"extensions": {"after-match": "test-after-match-refuses"}, "extension_failure_codes": ["patient_not_found"]}""");
        JsonNode refused = submit(declared, "100234", null);
        assertThat(refused.path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(codes(refused)).containsExactly("patient_not_found");
        assertThat(refused.path("data").path("failure_reason").asText()).isEqualTo(REFUSED);
        assertThat(encountersOf(refused)).as("refused before any write").isEmpty();

        // the same route on a connection that does not declare the code: the hook failed, internal_error
        String undeclared = clinic("clinic-undeclared", """
                {"extensions": {"after-match": "test-after-match-refuses"}, "extension_failure_codes": ["emr_rejected"]}""");
        JsonNode failed = submit(undeclared, "100234", null);
        assertThat(failed.path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(codes(failed)).containsExactly("internal_error");
        assertThat(encountersOf(failed)).isEmpty();
    }

    @Test
    void emrRefusalClassifiesTheRefusalIntoADeclaredCode() throws Exception {
        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        proxy.refuse(call -> call.startsWith("POST /fhir/Encounter"), 422, "business-rule");
        String classifying = clinic("clinic-classify", proxy.baseUrl(), """
                {"fhir_batching": "off", "extensions": {"emr-refusal": "clinic-a-emr-refusal"},
                 "extension_failure_codes": ["patient_not_found"], "refusal_codes": {"create-encounter 422": "patient_not_found"}}""");
        String plain = clinic("clinic-refused", proxy.baseUrl(), """
                {"fhir_batching": "off"}""");
        String unnamed = clinic("clinic-unnamed", proxy.baseUrl(), """
                {"fhir_batching": "off", "extensions": {"emr-refusal": "clinic-a-emr-refusal"},
                 "extension_failure_codes": ["patient_not_found"], "refusal_codes": {"find-patient 422": "patient_not_found"}}""");

        JsonNode classified = submit(classifying, "100234", null);
        assertThat(classified.path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(codes(classified)).containsExactly("patient_not_found");
        assertThat(classified.path("data").path("failure_reason").asText()).contains("HTTP 422");

        // no hook, or a hook whose table does not name this refusal: the engine's classification
        assertThat(codes(submit(plain, "100234", null))).containsExactly("emr_rejected");
        assertThat(codes(submit(unnamed, "100234", null))).containsExactly("emr_rejected");
    }

    /**
     * The webhook of a reclassified refusal describes the connection's code, not the engine's
     * original reason: the description the hook answers (here from the connection's table) is the
     * failure reason, and nothing of the EMR's refusal (status, issue codes) or the request stays in it.
     */
    @Test
    void emrRefusalGivesTheWebhookTheConnectionsDescriptionOfItsCode() throws Exception {
        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        proxy.refuse(call -> call.startsWith("POST /fhir/Encounter"), 422, "business-rule");
        String merged = "Clinic A files no encounter for a merged patient record.";
        String described = clinic("clinic-described", proxy.baseUrl(), """
                {"fhir_batching": "off", "extensions": {"emr-refusal": "clinic-a-emr-refusal"},
                 "extension_failure_codes": ["patient_not_found"],
                 "refusal_codes": {"create-encounter 422": {"reason_code": "patient_not_found", "description": "%s"}}}"""
                .formatted(merged));
        JsonNode failed = submit(described, "100234", null);
        assertThat(failed.path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(codes(failed)).containsExactly("patient_not_found");
        assertThat(failed.path("data").path("failure_reason").asText()).isEqualTo(merged);
        assertThat(failed.path("data").path("reasons").findValuesAsText("description")).containsExactly(merged);
        assertThat(failed.toString()).doesNotContain("HTTP 422", "business-rule", "Jane Doe", "Out of pills");
    }

    /**
     * The emr-refusal hook applies to Add Action too: the EMR refuses the action's note for good
     * (422), the connection's hook gives it a declared code and the action's failed webhook carries
     * that code; without a hook the engine's code stays.
     */
    @Test
    void emrRefusalClassifiesTheRefusalOfAnActionsNote() throws Exception {
        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        String hooked = clinic("clinic-action-refusal", proxy.baseUrl(), """
                {"fhir_batching": "off", "extensions": {"emr-refusal": "clinic-a-emr-refusal"},
                 "extension_failure_codes": ["login_required"],
                 "refusal_codes": {"add-encounter-note 422": {"reason_code": "login_required", "description": "Clinic T's EMR takes no notes from this user."}}}""");
        String plain = clinic("clinic-action-plain", proxy.baseUrl(), """
                {"fhir_batching": "off"}""");
        String hookedAppointment = submit(hooked, "100234", null).path("data").path("emr_appointment_id").asText();
        String plainAppointment = submit(plain, "100234", null).path("data").path("emr_appointment_id").asText();
        proxy.refuse(call -> call.startsWith("POST /fhir/Communication"), 422, "business-rule");

        JsonNode classified = act(hooked, hookedAppointment);
        assertThat(classified.path("type").asText()).isEqualTo("telephone_encounter_action.failed");
        assertThat(codes(classified)).containsExactly("login_required");
        assertThat(classified.path("data").path("failure_reason").asText()).isEqualTo("Clinic T's EMR takes no notes from this user.");
        assertThat(classified.toString()).doesNotContain("Called back");

        JsonNode engines = act(plain, plainAppointment);
        assertThat(codes(engines)).containsExactly("emr_rejected");
        assertThat(engines.path("data").path("failure_reason").asText()).contains("HTTP 422");
    }

    @Test
    void anActionsRefusalClassifiedIntoACodeNoActionMayEndWithEndsInInternalError() throws Exception {
        // patient_not_found is declared, so an encounter may end with it; an action may end only with
        // emr_rejected, emr_unavailable or login_required
        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        String hooked = clinic("clinic-action-encounter-code", proxy.baseUrl(), """
                {"fhir_batching": "off", "extensions": {"emr-refusal": "clinic-a-emr-refusal"},
                 "extension_failure_codes": ["patient_not_found"],
                 "refusal_codes": {"add-encounter-note 422": {"reason_code": "patient_not_found", "description": "No such patient here."}}}""");
        String appointment = submit(hooked, "100234", null).path("data").path("emr_appointment_id").asText();
        proxy.refuse(call -> call.startsWith("POST /fhir/Communication"), 422, "business-rule");

        JsonNode failed = act(hooked, appointment);
        assertThat(failed.path("type").asText()).isEqualTo("telephone_encounter_action.failed");
        assertThat(codes(failed)).containsExactly("internal_error");
        assertThat(failed.path("data").path("failure_reason").asText()).doesNotContain("No such patient here.");
        assertThat(failed.toString()).doesNotContain("Called back");
    }

    /** Adds an action to the encounter on the token's connection: the webhook event that ends it. */
    JsonNode act(String token, String emrAppointmentId) throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/v1/telephone-encounters/actions"))
                .header("Content-Type", "application/json").header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET)
                .header("access_token", token).POST(HttpRequest.BodyPublishers.ofString(
                        Json.object("emr_appointment_id", emrAppointmentId, "text", "Called back"))));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String id = JSON.readTree(answer.body()).path("action_id").asText();
        return JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(40)).bodyText());
    }

    @Test
    void emrRefusalWithAnUndeclaredCodeEndsInInternalError() throws Exception {
        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        proxy.refuse(call -> call.startsWith("POST /fhir/Encounter"), 422, "business-rule");
        String declared = clinic("clinic-login", proxy.baseUrl(), """
                {"fhir_batching": "off", "extensions": {"emr-refusal": "test-emr-refusal-login"},
                 "extension_failure_codes": ["login_required"]}""");
        String undeclared = clinic("clinic-login-undeclared", proxy.baseUrl(), """
                {"fhir_batching": "off", "extensions": {"emr-refusal": "test-emr-refusal-login"},
                 "extension_failure_codes": ["patient_not_found"]}""");
        assertThat(codes(submit(declared, "100234", null))).containsExactly("login_required");
        JsonNode failed = submit(undeclared, "100234", null);
        assertThat(failed.path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(codes(failed)).containsExactly("internal_error");
    }

    @Test
    void aFailingHookEndsTheJobWithInternalErrorAndItsWebhook() throws Exception {
        String afterMatch = clinic("clinic-throws", """
                {"extensions": {"after-match": "test-hook-throws"}}""");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        captured.start();
        root.addAppender(captured);
        JsonNode failed;
        try {
            failed = submit(afterMatch, "100234", "lisinopril");
        } finally {
            root.detachAppender(captured);
        }
        List<String> lines;
        synchronized (captured) {
            lines = captured.list.stream().map(e -> e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
        }
        assertThat(lines).anyMatch(l -> l.contains("extension after-match (test-hook-throws)")
                && l.contains("java.lang.IllegalStateException"));
        assertThat(lines).as("the hook's exception text (a name here) and the request's values stay out of the logs")
                .noneMatch(l -> l.contains("Jane Doe") || l.contains("gave up") || l.contains("100234") || l.contains("Out of pills"));
        assertThat(failed.path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(codes(failed)).containsExactly("internal_error");
        assertThat(encountersOf(failed)).as("the hook runs before any write").isEmpty();

        // a hook that answers a patient the engine did not find (another MRN's): refused, nothing written
        String adding = clinic("clinic-adds", """
                {"extensions": {"after-match": "test-after-match-adds"}}""");
        JsonNode added = submit(adding, "100299", null);
        assertThat(codes(added)).containsExactly("internal_error");
        assertThat(encountersOf(added)).isEmpty();

        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        proxy.refuse(call -> call.startsWith("POST /fhir/Encounter"), 422, "business-rule");
        String emrRefusal = clinic("clinic-refusal-throws", proxy.baseUrl(), """
                {"fhir_batching": "off", "extensions": {"emr-refusal": "test-hook-throws"}}""");
        assertThat(codes(submit(emrRefusal, "100234", null))).containsExactly("internal_error");
    }

    @Test
    void theAdminApiTakesTheNewHookNamesLikeTheOthersAndRefusesUndeclarableCodes() throws Exception {
        String name = "clinic-codes-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode create = JSON.createObjectNode().put("name", name).put("emr_type", "fhir-r4").put("base_url", "embedded:sandbox");
        create.putObject("settings").putArray("extension_failure_codes").add("patient_not_found").add("internal_error")
                .add("Free text");
        HttpResponse<String> refused = admin("POST", "/admin/v1/connections", JSON.writeValueAsString(create));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body())).isEqualTo(JSON.readTree("""
                {"success": false, "error": "extension_failure_code_not_allowed",
                 "message": "A hook may end a job failed only with emr_rejected, emr_unavailable, login_required, medication_ambiguous, medication_not_found, patient_not_found; not with internal_error, extension_failure_codes[2]. Correct extension_failure_codes."}
                """));

        // the new points' route names are checked like the others': a name no loaded route consumes is refused
        ObjectNode typo = JSON.createObjectNode().put("name", name).put("emr_type", "fhir-r4").put("base_url", "embedded:sandbox");
        typo.putObject("settings").putObject("extensions").put("after-match", "clinic-a-after-mach")
                .put("emr-refusal", "direct:clinic-a-emr-refusal");
        HttpResponse<String> notLoaded = admin("POST", "/admin/v1/connections", JSON.writeValueAsString(typo));
        assertThat(notLoaded.statusCode()).as(notLoaded.body()).isEqualTo(422);
        assertThat(JSON.readTree(notLoaded.body()).path("error").asText()).isEqualTo("extension_route_not_loaded");
        assertThat(JSON.readTree(notLoaded.body()).path("message").asText()).contains("clinic-a-after-mach")
                .doesNotContain("clinic-a-emr-refusal");

        // made right, then a PATCH that declares a partial code: refused, settings unchanged
        ObjectNode good = JSON.createObjectNode().put("name", name).put("emr_type", "fhir-r4").put("base_url", "embedded:sandbox");
        ObjectNode goodSettings = good.putObject("settings");
        goodSettings.putArray("extension_failure_codes").add("emr_rejected");
        goodSettings.putObject("extensions").put("after-match", "clinic-a-after-match").put("emr-refusal", "clinic-a-emr-refusal");
        HttpResponse<String> made = admin("POST", "/admin/v1/connections", JSON.writeValueAsString(good));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
        HttpResponse<String> patched = admin("PATCH", "/admin/v1/connections/" + name, """
                {"settings": {"extension_failure_codes": ["emr_rejected", "refill_not_added"]}}""");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(422);
        assertThat(JSON.readTree(patched.body()).path("error").asText()).isEqualTo("extension_failure_code_not_allowed");
        assertThat(JSON.readTree(made.body()).path("connection").path("settings").path("extension_failure_codes"))
                .extracting(JsonNode::asText).containsExactly("emr_rejected");
        JsonNode listed = JSON.readTree(admin("GET", "/admin/v1/connections", null).body()).path("connections");
        JsonNode settings = null;
        for (JsonNode connection : listed) {
            if (connection.path("name").asText().equals(name)) {
                settings = connection.path("settings");
            }
        }
        assertThat(settings).as("the connection " + name).isNotNull();
        assertThat(settings.path("extension_failure_codes")).extracting(JsonNode::asText).containsExactly("emr_rejected");
        HttpResponse<String> notAList = admin("PATCH", "/admin/v1/connections/" + name, """
                {"settings": {"extension_failure_codes": "patient_not_found"}}""");
        assertThat(notAList.statusCode()).as(notAList.body()).isEqualTo(422);
    }
}
