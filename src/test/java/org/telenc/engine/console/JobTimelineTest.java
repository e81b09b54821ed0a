package org.telenc.engine.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.TeamRouteFolder;
import org.telenc.engine.support.Json;

/**
 * The job page's timeline on the whole engine (broker, database, FHIR sandbox over HTTP, team routes
 * loaded from a folder): a job's EMR calls (operation, HTTP status, outcome class, duration) and its
 * extension points (point, ok or failed, duration) in time order with the job's own entries, every
 * try of a redelivered job included, and nothing of the request's data.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // an engine of its own (team routes, fast redelivery)
@TestPropertySource(properties = "engine.routes.extra-location=target/test-data/job-timeline-team-routes")
class JobTimelineTest extends EngineTest {

    static final Path TEAM_ROUTES = Path.of("target", "test-data", "job-timeline-team-routes").toAbsolutePath();
    static final String CALLER = "Wilhelmina Fotheringay";
    static final String MESSAGE = "Quince-4471 refill question";

    static final String FAILING_ROUTES = """
            - route:
                id: timeline-extension-throws
                from:
                  uri: direct:timeline-extension-throws
                  steps:
                    - throwException:
                        exceptionType: java.lang.IllegalStateException
                        message: "no luck for ${body[patient_mrn]}"
            """;

    /** A timeline row: when, what, duration. */
    static final Pattern ROW = Pattern.compile(
            "<tr data-kind=\"(\\w+)\">\\s*<td>([^<]+)</td>\\s*<td[^>]*>([^<]+)</td>\\s*<td>(?:(\\d+) ms)?</td>\\s*</tr>");

    record Line(String kind, String at, String what, Long durationMs) {
    }

    @Autowired
    JdbcTemplate jdbc;

    static {
        TeamRouteFolder.withExamplesAnd(TEAM_ROUTES, "timeline-failing.camel.yaml", FAILING_ROUTES);
    }

    @DynamicPropertySource
    static void teamRoutes(DynamicPropertyRegistry registry) {
        ownEngine(registry, "job-timeline");
        registry.add("engine.broker.redelivery.maximum-redeliveries", () -> "1");
        registry.add("engine.broker.redelivery.initial-delay", () -> "1s"); // the broker's least
        registry.add("engine.broker.redelivery.maximum-delay", () -> "1s");
    }

    /** A new connection (embedded sandbox) with these extension settings, synced; a token of the demo client on it. */
    String clinic(String name, JsonNode extensions) throws Exception {
        String clinic = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        admin("POST", "/admin/v1/connections", Json.object("name", clinic, "emr_type", "fhir-r4", "base_url", "embedded:sandbox",
                "settings", Json.node("extensions", extensions, "template_map", Json.node("phone-call", "A-PHONE"))));
        admin("POST", "/admin/v1/connections/" + clinic + "/sync", null);
        return admin("POST", "/admin/v1/clients/" + CLIENT_ID + "/access-tokens", Json.object("connection", clinic,
                "emr_user_ehr_id", "12222", "access_token_reference_id", clinic)).path("access_token").asText();
    }

    JsonNode admin(String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer demo-admin-token")
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** An encounter with a refill on the clinic's token (the sandbox: a patient search with orders, then one transaction): its job id. */
    String encounter(String token) throws Exception {
        String body = Json.object("patient_mrn", "100234", "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220",
                "caller", CALLER, "message", MESSAGE, "reason", "Refill", "refill_medication_name", "lisinopril",
                "pharmacy_ehr_id", "PH-2001");
        HttpResponse<String> accepted = send(HttpRequest.newBuilder(uri("/v1/telephone-encounters"))
                .header("Content-Type", "application/json").header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET)
                .header("access_token", token).POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        return JSON.readTree(accepted.body()).path("job_id").asText();
    }

    String status(String jobId) {
        return jdbc.queryForObject("select status from telephone_encounter where job_id = ?", String.class, Long.parseLong(jobId));
    }

    long steps(String jobId) {
        return jdbc.queryForObject("select count(*) from job_step where job_id = ?", Long.class, Long.parseLong(jobId));
    }

    static List<Line> timeline(String page) {
        List<Line> lines = new ArrayList<>();
        Matcher row = ROW.matcher(page);
        while (row.find()) {
            lines.add(new Line(row.group(1), row.group(2), row.group(3), row.group(4) == null ? null : Long.parseLong(row.group(4))));
        }
        return lines;
    }

    static List<String> whats(List<Line> lines) {
        return lines.stream().map(Line::what).toList();
    }

    static int first(List<Line> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).what().startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no timeline line starts with " + prefix + " in " + whats(lines));
    }

    @Test
    void theJobPageListsEachEmrCallAndExtensionPointInTimeOrder() throws Exception {
        String token = clinic("timeline-a", Json.node("before-emr", "clinic-a-before-emr", "after-outcome", "clinic-a-after-outcome"));
        String jobId = encounter(token);
        await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(status(jobId)));
        ConsoleBrowser viewer = ConsoleBrowser.loggedIn(port, ConsoleTest.VIEWER, "demo-viewer-password");
        // the steps reach the table a moment after the job's own rows (their writer batches them)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(timeline(viewer.get("/console/jobs/" + jobId).body()))
                .extracting(Line::what).contains("extension point after-outcome: ok"));
        String page = viewer.get("/console/jobs/" + jobId).body();
        List<Line> lines = timeline(page);

        assertThat(whats(lines)).contains("accepted", "picked up by a consumer", "outcome: completed",
                "extension point before-emr: ok", "extension point after-outcome: ok",
                "EMR call search-patient-with-orders: HTTP 200 (ok)", "EMR call write-encounter-transaction: HTTP 200 (ok)");
        List<Line> calls = lines.stream().filter(l -> l.kind().equals("emr_call")).toList();
        assertThat(calls).as("EMR calls").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(call -> {
                    assertThat(call.what()).matches("EMR call [a-z-]+: HTTP 20[01] \\(ok\\)");
                    assertThat(call.durationMs()).as(call.what()).isNotNull().isNotNegative();
                });
        // as many EMR calls and extension points on the page as were recorded, each in its place
        assertThat(calls.size() + lines.stream().filter(l -> l.kind().equals("extension")).count()).isEqualTo(steps(jobId));
        assertThat(lines.stream().filter(l -> l.kind().equals("extension"))).allSatisfy(l -> assertThat(l.durationMs()).isNotNull());
        assertThat(lines.stream().filter(l -> l.kind().equals("job"))).allSatisfy(l -> assertThat(l.durationMs()).isNull());
        assertThat(first(lines, "accepted")).isLessThan(first(lines, "extension point before-emr"));
        assertThat(first(lines, "extension point before-emr")).isLessThan(first(lines, "EMR call "));
        assertThat(first(lines, "EMR call search-patient-with-orders")).isLessThan(first(lines, "EMR call write-encounter-transaction"));
        assertThat(first(lines, "EMR call write-encounter-transaction")).isLessThan(first(lines, "outcome: completed"));
        assertThat(first(lines, "outcome: completed")).isLessThan(first(lines, "extension point after-outcome"));
        assertThat(lines).extracting(Line::at).isSorted();
        assertThat(page).doesNotContain("100234", CALLER, MESSAGE, "lisinopril", "PH-2001", "?identifier", "Patient?",
                "EMR calls are not recorded");
    }

    @Test
    void aFailingExtensionPointShowsFailedOnEveryTry() throws Exception {
        // after-outcome fails: the outcome stands, the point shows failed
        String afterToken = clinic("timeline-after", Json.node("after-outcome", "timeline-extension-throws"));
        String completed = encounter(afterToken);
        await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(status(completed)));
        // before-emr fails: the broker redelivers the job once, then it fails; both tries show
        String beforeToken = clinic("timeline-before", Json.node("before-emr", "timeline-extension-throws"));
        String failed = encounter(beforeToken);
        await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(status(failed)));

        ConsoleBrowser viewer = ConsoleBrowser.loggedIn(port, ConsoleTest.VIEWER, "demo-viewer-password");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(whats(timeline(viewer.get("/console/jobs/" + completed)
                .body()))).contains("outcome: completed", "extension point after-outcome: failed"));
        String completedPage = viewer.get("/console/jobs/" + completed).body();
        assertThat(completedPage).contains("<td class=\"bad\">extension point after-outcome: failed</td>");
        assertThat(whats(timeline(completedPage))).doesNotContain("extension point after-outcome: ok");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Line> lines = timeline(viewer.get("/console/jobs/" + failed).body());
            assertThat(whats(lines)).contains("outcome: failed");
            assertThat(whats(lines).stream().filter("extension point before-emr: failed"::equals)).as("one per try").hasSize(2);
            assertThat(lines).filteredOn(l -> l.kind().equals("emr_call")).as("no EMR call after a failed before-emr").isEmpty();
        });
        assertThat(viewer.get("/console/jobs/" + failed).body()).doesNotContain("100234", CALLER, MESSAGE, "no luck");
    }
}
