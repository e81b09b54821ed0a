package org.telenc.engine.extension;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.TeamRouteFolder;
import org.telenc.engine.support.Json;
import org.awaitility.Awaitility;

/**
 * The extension points on the whole engine (broker, database, FHIR sandbox over HTTP, webhook
 * receiver), with the team routes of routes/examples/clinic-extensions and a few failing ones
 * loaded from a folder through {@code engine.routes.extra-location}. Each clinic is an EMR connection
 * made through the admin API, with its own access token for the demo client: clinic A selects the
 * example routes, clinic B selects nothing and is served as before, and one connection per failing
 * route shows what a failure gives.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // an engine of its own (team routes, fast redelivery)
@TestPropertySource(properties = "engine.routes.extra-location=target/test-data/extension-points-team-routes")
class ExtensionPointsTest extends EngineTest {

    /**
     * The team's folder. A fixed path named by @TestPropertySource: engine.routes.extra-location is
     * read while the environment is prepared, before a @DynamicPropertySource is in it.
     */
    static final Path TEAM_ROUTES = Path.of("target", "test-data", "extension-points-team-routes").toAbsolutePath();
    static final String OUTCOMES_QUEUE = "clinic-a.outcomes";
    static final String CALLER = "Zebulon Quackenbush";
    static final String MESSAGE = "Chest pain since Tuesday, please call";

    /** Team routes that fail, each in its own way: PHI in the exception's message and in a header. */
    static final String FAILING_ROUTES = """
            - route:
                id: test-extension-throws
                from:
                  uri: direct:test-extension-throws
                  steps:
                    - setHeader:
                        name: x-team-patient
                        simple: "${body[patient_mrn]}"
                    - throwException:
                        exceptionType: java.lang.IllegalStateException
                        message: "no luck for MRN ${body[patient_mrn]}: ${body[message]}"
            - route:
                id: test-extension-malformed-rejection
                from:
                  uri: direct:test-extension-malformed-rejection
                  steps:
                    - setBody:
                        method:
                          ref: extensions
                          method: "reject('Not Snake Case', 'Whatever.')"
            - route:
                id: test-extension-forbidden-change
                from:
                  uri: direct:test-extension-forbidden-change
                  steps:
                    - setBody:
                        method:
                          ref: extensions
                          method: "set(${body}, 'patient_mrn', '100235')"
            - route:
                id: test-extension-rejects-with-header
                from:
                  uri: direct:test-extension-rejects-with-header
                  steps:
                    - setHeader:
                        name: x-team-patient
                        simple: "${body[patient_mrn]}"
                    - setBody:
                        method:
                          ref: extensions
                          method: "rejectInvalid('clinic_closed', 'The clinic takes no telephone requests today.')"
            """;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ConnectionFactory connectionFactory;
    @Autowired
    MeterRegistry meters;

    static {
        TeamRouteFolder.withExamplesAnd(TEAM_ROUTES, "test-failing.camel.yaml", FAILING_ROUTES);
    }

    @DynamicPropertySource
    static void teamRoutes(DynamicPropertyRegistry registry) {
        ownEngine(registry, "extension-points");
        registry.add("engine.broker.redelivery.maximum-redeliveries", () -> "1");
        registry.add("engine.broker.redelivery.initial-delay", () -> "1s"); // the broker's least
        registry.add("engine.broker.redelivery.maximum-delay", () -> "1s");
    }

    /** A new connection (embedded sandbox) with these settings, synced, and a token of the demo client on it. */
    String clinic(String name, String settings) throws Exception {
        String clinic = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        admin("POST", "/admin/v1/connections", Json.object("name", clinic, "emr_type", "fhir-r4", "base_url", "embedded:sandbox",
                "settings", Json.tree(settings)));
        admin("POST", "/admin/v1/connections/" + clinic + "/sync", null);
        return admin("POST", "/admin/v1/clients/" + CLIENT_ID + "/access-tokens", Json.object("connection", clinic,
                "emr_user_ehr_id", "12222", "access_token_reference_id", clinic)).path("access_token").asText();
    }

    String clinicA() throws Exception {
        return clinic("clinic-a", """
                {"extensions":{"accepting":"clinic-a-accepting","before-emr":"clinic-a-before-emr",\
                "after-outcome":"clinic-a-after-outcome"},"template_map":{"phone-call":"A-PHONE"},\
                "provider_map":{"12241":"12242"}}""");
    }

    String selecting(String point, String route) throws Exception {
        return clinic("clinic-" + point, Json.object("extensions", Json.node(point, route)));
    }

    JsonNode admin(String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer demo-admin-token")
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    HttpResponse<String> post(String token, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET).header("access_token", token)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static String encounter(String reason) {
        return Json.object("patient_mrn", "100234", "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220",
                "caller", CALLER, "message", MESSAGE, "reason", reason);
    }

    JsonNode webhookOf(String id) throws Exception {
        return JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
    }

    JsonNode sandboxEncounter(String emrId) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/sandbox/fhir/r4/Encounter/" + emrId)).GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static String templateOf(JsonNode encounter) {
        for (JsonNode extension : encounter.path("extension")) {
            if (extension.path("url").asText().endsWith("encounter-template")) {
                return extension.path("valueString").asText();
            }
        }
        return null;
    }

    /** The texts of the messages the clinic-a after-outcome example sent that mention this id. */
    List<String> outcomesOf(String id) {
        List<String> found = new ArrayList<>();
        new JmsTemplate(connectionFactory).browse(OUTCOMES_QUEUE, (session, browser) -> {
            for (var messages = browser.getEnumeration(); messages.hasMoreElements(); ) {
                String text = ((TextMessage) messages.nextElement()).getText();
                if (text.contains(id)) {
                    found.add(text);
                }
            }
            return null;
        });
        return found;
    }

    static void await(Supplier<Boolean> condition, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(20)).until(condition::get);
    }

    double count(String point, String result) {
        var counter = meters.find("telenc.extensions").tag("point", point).tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    long stored() {
        return jdbc.queryForObject("select count(*) from telephone_encounter", Long.class);
    }

    @Test
    void clinicAsRoutesMapRejectAndNotifyForClinicAOnly() throws Exception {
        String clinicA = clinicA();
        String clinicB = clinic("clinic-b", "{}");

        // accepting: clinic A's rule refuses an encounter without a reason, with its own code; B takes it
        HttpResponse<String> refused = post(clinicA, "/v1/telephone-encounters", encounter(null));
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body())).isEqualTo(JSON.readTree(
                "{\"success\":false,\"error\":\"reason_required\",\"message\":\"Clinic A needs a reason for every telephone encounter.\"}"));
        HttpResponse<String> takenByB = post(clinicB, "/v1/telephone-encounters", encounter(null));
        assertThat(takenByB.statusCode()).as(takenByB.body()).isEqualTo(200);

        // accepting sets the template, before-emr maps it and the provider by clinic A's tables: the EMR has A's codes
        String a = JSON.readTree(post(clinicA, "/v1/telephone-encounters", encounter("Refill")).body())
                .path("telephone_encounter_id").asText();
        String b = JSON.readTree(post(clinicB, "/v1/telephone-encounters", encounter("Refill")).body())
                .path("telephone_encounter_id").asText();
        JsonNode eventA = webhookOf(a);
        JsonNode eventB = webhookOf(b);
        assertThat(eventA.path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(eventB.path("type").asText()).isEqualTo("telephone_encounter.created");
        JsonNode inEmrA = sandboxEncounter(eventA.path("data").path("emr_appointment_id").asText());
        JsonNode inEmrB = sandboxEncounter(eventB.path("data").path("emr_appointment_id").asText());
        assertThat(templateOf(inEmrA)).isEqualTo("A-PHONE");
        assertThat(inEmrA.path("participant").get(0).path("individual").path("reference").asText()).isEqualTo("Practitioner/12242");
        assertThat(templateOf(inEmrB)).as("clinic B has no extension: no template").isNull();
        assertThat(inEmrB.path("participant").get(0).path("individual").path("reference").asText()).isEqualTo("Practitioner/12241");

        // after-outcome: clinic A's route put the event on its queue, once; nothing for clinic B
        await(() -> outcomesOf(a).size() == 1, "clinic A's outcome on " + OUTCOMES_QUEUE);
        assertThat(JSON.readTree(outcomesOf(a).get(0))).isEqualTo(eventA);
        assertThat(outcomesOf(b)).isEmpty();

        // the action kind: clinic A's accepting rule lets it through, its outcome reaches the queue too
        String emrId = eventA.path("data").path("emr_appointment_id").asText();
        HttpResponse<String> action = post(clinicA, "/v1/telephone-encounters/actions",
                Json.object("emr_appointment_id", emrId, "text", "Called back", "is_high_priority", "false"));
        assertThat(action.statusCode()).as(action.body()).isEqualTo(200);
        String actionId = JSON.readTree(action.body()).path("action_id").asText();
        assertThat(webhookOf(actionId).path("type").asText()).isEqualTo("telephone_encounter_action.created");
        await(() -> outcomesOf(actionId).size() == 1, "the action's outcome on " + OUTCOMES_QUEUE);

        // held for 500 ms: a second run of after-outcome would show in this window
        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> outcomesOf(a).size() == 1 && outcomesOf(actionId).size() == 1);
        assertThat(outcomesOf(a)).hasSize(1);
        assertThat(outcomesOf(actionId)).hasSize(1);

        // counted by point and result: fixed labels only
        assertThat(count("accepting", "rejected")).isGreaterThanOrEqualTo(1);
        assertThat(count("accepting", "changed")).isGreaterThanOrEqualTo(1);
        assertThat(count("before-emr", "changed")).isGreaterThanOrEqualTo(1);
        assertThat(count("after-outcome", "ran")).isGreaterThanOrEqualTo(2);
        assertThat(meters.find("telenc.extensions").counters()).allSatisfy(c -> {
            assertThat(c.getId().getTag("point")).isIn("accepting", "before-emr", "after-outcome");
            assertThat(c.getId().getTag("result")).isIn("changed", "unchanged", "rejected", "failed", "ran");
            assertThat(c.getId().getTags()).extracting(t -> t.getKey()).containsAnyOf("point", "result")
                    .allMatch(key -> List.of("point", "result", "application").contains(key));
        });
    }

    @Test
    void extensionNamesNoLoadedRouteConsumesAreRefusedByTheAdminApi() throws Exception {
        String name = "clinic-typo-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode create = JSON.createObjectNode().put("name", name).put("emr_type", "fhir-r4").put("base_url", "embedded:sandbox");
        create.putObject("settings").put("template_map", "kept").putObject("extensions")
                .put("accepting", "clinic-a-acepting").put("before-emr", "direct:clinic-a-before-emr").put("after-outcome", "no-such-route");
        HttpResponse<String> refused = adminAnswer("POST", "/admin/v1/connections", JSON.writeValueAsString(create));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body())).isEqualTo(JSON.readTree("""
                {"success": false, "error": "extension_route_not_loaded",
                 "message": "No loaded route consumes the extension routes clinic-a-acepting, no-such-route. Load the team route file that defines it, or correct the name."}
                """));
        assertThat(adminAnswer("GET", "/admin/v1/connections", null).body()).doesNotContain(name);

        // a connection made right, then a PATCH naming a route that is not loaded: refused, settings unchanged
        String made = "clinic-patch-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode good = JSON.createObjectNode().put("name", made).put("emr_type", "fhir-r4").put("base_url", "embedded:sandbox");
        good.putObject("settings").putObject("extensions").put("before-emr", "clinic-a-before-emr");
        assertThat(adminAnswer("POST", "/admin/v1/connections", JSON.writeValueAsString(good)).statusCode()).isEqualTo(200);
        HttpResponse<String> patched = adminAnswer("PATCH", "/admin/v1/connections/" + made, """
                {"settings": {"extensions": {"before-emr": "clinic-a-before-emr", "after-outcome": "clinic-a-after-outcom"}}}
                """);
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(422);
        assertThat(JSON.readTree(patched.body()).path("message").asText()).isEqualTo(
                "No loaded route consumes the extension route clinic-a-after-outcom. Load the team route file that defines it, or correct the name.");
        JsonNode listed = JSON.readTree(adminAnswer("GET", "/admin/v1/connections", null).body()).path("connections");
        JsonNode settings = null;
        for (JsonNode connection : listed) {
            if (connection.path("name").asText().equals(made)) {
                settings = connection.path("settings");
            }
        }
        assertThat(settings).as("the connection " + made).isNotNull();
        assertThat(settings.path("extensions").has("after-outcome")).as("settings unchanged").isFalse();
    }

    HttpResponse<String> adminAnswer(String method, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer demo-admin-token")
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void failingTeamRoutesGiveWhatIsDocumentedAndNoPhiReachesTheEnginesLogsOrAnswers() throws Exception {
        String throwsAtIntake = selecting("accepting", "test-extension-throws");
        String malformed = selecting("accepting", "test-extension-malformed-rejection");
        String forbidden = selecting("accepting", "test-extension-forbidden-change");
        String withHeader = selecting("accepting", "test-extension-rejects-with-header");
        String throwsBeforeEmr = selecting("before-emr", "test-extension-throws");
        String throwsAfterOutcome = selecting("after-outcome", "test-extension-throws");

        List<ILoggingEvent> logged = Collections.synchronizedList(new ArrayList<>());
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent event) {
                logged.add(event);
            }
        };
        captured.start();
        root.addAppender(captured);
        try {
            // accepting that fails in any way: 503 extension_failed, nothing stored, no stack, no PHI
            for (String token : List.of(throwsAtIntake, malformed, forbidden)) {
                long before = stored();
                HttpResponse<String> answer = post(token, "/v1/telephone-encounters", encounter("Refill"));
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                assertThat(JSON.readTree(answer.body())).isEqualTo(JSON.readTree("""
                        {"success":false,"error":"extension_failed",\
                        "message":"The clinic's intake rule could not be applied. Retry the request later."}"""));
                assertThat(answer.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("x-team"));
                assertThat(stored()).isEqualTo(before);
            }

            // a rejection: the team's 400 and code; the header its route set stays in its own exchange
            HttpResponse<String> rejected = post(withHeader, "/v1/telephone-encounters", encounter("Refill"));
            assertThat(rejected.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(rejected.body()).path("error").asText()).isEqualTo("clinic_closed");
            assertThat(rejected.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("x-team"));

            // before-emr that throws: a job fault, redelivered, then failed internal_error with its webhook
            String failedJob = JSON.readTree(post(throwsBeforeEmr, "/v1/telephone-encounters", encounter("Refill")).body())
                    .path("telephone_encounter_id").asText();
            JsonNode failed = webhookOf(failedJob);
            assertThat(failed.path("type").asText()).isEqualTo("telephone_encounter.failed");
            assertThat(failed.path("data").path("reasons").get(0).path("code").asText()).isEqualTo("internal_error");

            // after-outcome that throws: the outcome and its webhook stand
            String notified = JSON.readTree(post(throwsAfterOutcome, "/v1/telephone-encounters", encounter("Refill")).body())
                    .path("telephone_encounter_id").asText();
            assertThat(webhookOf(notified).path("type").asText()).isEqualTo("telephone_encounter.created");
            await(() -> logged.stream().anyMatch(e -> e.getFormattedMessage().contains("extension after-outcome")),
                    "the after-outcome failure is logged");
        } finally {
            root.detachAppender(captured);
        }

        List<String> lines = new ArrayList<>();
        synchronized (logged) {
            for (ILoggingEvent event : logged) {
                lines.add(event.getLoggerName() + ": " + event.getFormattedMessage() + " " + throwableText(event.getThrowableProxy()));
            }
        }
        assertThat(lines).anyMatch(l -> l.contains("extension after-outcome (test-extension-throws)")
                && l.contains("java.lang.IllegalStateException"));
        for (String line : lines) {
            assertThat(line).doesNotContain("100234").doesNotContain(CALLER).doesNotContain(MESSAGE).doesNotContain("no luck");
        }
    }

    private static String throwableText(IThrowableProxy proxy) {
        StringBuilder text = new StringBuilder();
        for (IThrowableProxy p = proxy; p != null; p = p.getCause()) {
            text.append(p.getClassName()).append(": ").append(p.getMessage()).append(' ');
        }
        return text.toString();
    }
}
