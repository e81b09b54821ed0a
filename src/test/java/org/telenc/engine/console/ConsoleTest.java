package org.telenc.engine.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;

/**
 * The operator console over real HTTP on the whole engine (sandbox mode, demo users): logins per
 * role, what a viewer may not do, a confirmed resend and the new attempt it makes, CSRF, cookie
 * flags, the Content-Security-Policy, a refused login, and the engine's other paths untouched.
 */
class ConsoleTest extends EngineTest {

    static final String OPERATOR = "demo-operator";
    static final String VIEWER = "demo-viewer";
    private static final Pattern DELIVERY_ROW = Pattern.compile("<td>([0-9a-f]{32})</td>\\s*<td>127\\.0\\.0\\.1:(\\d+)</td>");

    @Autowired
    JdbcTemplate jdbc;

    /** An encounter through the API, delivered to the test's receiver: its job id and telephone_encounter_id. */
    record Job(String jobId, String encounterId) {
    }

    Job deliveredJob() throws Exception {
        HttpResponse<String> accepted = post("/v1/telephone-encounters", encounterBody("100234", "lisinopril", "PH-2001"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String id = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
        receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30));
        String jobId = JSON.readTree(accepted.body()).path("job_id").asText();
        return new Job(jobId, id);
    }

    /** The id of the job's delivery to the test's receiver, as its job page shows it. */
    static String receiverDelivery(String jobPage) {
        int receiverPort = java.net.URI.create(receiver.url()).getPort();
        Matcher row = DELIVERY_ROW.matcher(jobPage);
        while (row.find()) {
            if (Integer.parseInt(row.group(2)) == receiverPort) {
                return row.group(1);
            }
        }
        throw new AssertionError("no delivery to the receiver on the job page");
    }

    @Test
    void eachRoleLogsInAndSeesTheOverviewWithItsRole() throws Exception {
        for (String user : List.of(OPERATOR, VIEWER)) {
            ConsoleBrowser browser = ConsoleBrowser.loggedIn(port, user, user + "-password");
            HttpResponse<String> overview = browser.get("/console");
            assertThat(overview.statusCode()).isEqualTo(200);
            assertThat(overview.body()).contains("<h1>Overview</h1>", "EMR connections", "Dead letters", "demo-client")
                    .contains("<span>" + user + "</span> (<span>" + (user.equals(OPERATOR) ? "operator" : "viewer") + "</span>)");
            // read as a person reads it, not as Java prints it
            assertThat(overview.body()).contains("Stuck: still processing 15 min after acceptance").containsPattern(
                    "<td>(ok|failed) at \\d{4}-\\d\\d-\\d\\dT[^<]+</td>|<td>—</td>").doesNotContain("{failed=", "PT15M", "<td>[]</td>");
        }
        ConsoleBrowser anonymous = new ConsoleBrowser(port);
        HttpResponse<String> page = anonymous.get("/console/deliveries");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("location").orElse("")).endsWith("/console/login");
    }

    @Test
    void loggingOutEndsTheSession() throws Exception {
        ConsoleBrowser viewer = ConsoleBrowser.loggedIn(port, VIEWER, "demo-viewer-password");
        assertThat(viewer.get("/console").statusCode()).isEqualTo(200);
        assertThat(viewer.postWithout("/console/logout", Map.of()).statusCode()).as("without the CSRF token").isEqualTo(403);
        assertThat(viewer.get("/console").statusCode()).as("still logged in").isEqualTo(200);
        HttpResponse<String> out = viewer.post("/console/logout", Map.of());
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().firstValue("location").orElse("")).endsWith("/console/login?logout");
        assertThat(viewer.get("/console").statusCode()).isEqualTo(302);
    }

    @Test
    void aViewerSeesNoResendButtonAndItsResendIsRefused() throws Exception {
        Job job = deliveredJob();
        ConsoleBrowser viewer = ConsoleBrowser.loggedIn(port, VIEWER, "demo-viewer-password");
        HttpResponse<String> page = viewer.get("/console/jobs/" + job.jobId());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(job.encounterId()).doesNotContain(">Resend</button>");
        assertThat(viewer.get("/console/deliveries").body()).doesNotContain(">Resend</button>", "Recover failed");
        String delivery = receiverDelivery(page.body());
        long before = deliveriesOfTheEventOf(delivery);
        assertThat(viewer.post("/console/deliveries/" + delivery + "/resend", Map.of()).statusCode()).isEqualTo(403);
        assertThat(viewer.post("/console/deliveries/" + delivery + "/resend", Map.of("confirmed", "yes", "reason", "try"))
                .statusCode()).isEqualTo(403);
        assertThat(viewer.post("/console/deliveries/recover", Map.of("confirmed", "yes", "reason", "try")).statusCode())
                .isEqualTo(403);
        assertThat(deliveriesOfTheEventOf(delivery)).as("deliveries of the event").isEqualTo(before);
        assertThat(received(job.encounterId())).isEqualTo(1);
    }

    long deliveriesOfTheEventOf(String delivery) {
        return jdbc.queryForObject("select count(*) from webhook_delivery d join webhook_delivery o on o.event_id = d.event_id"
                + " where o.id = ?", Long.class, delivery);
    }

    @Test
    void anOperatorResendsAfterConfirmingAndTheNewAttemptAppears() throws Exception {
        Job job = deliveredJob();
        ConsoleBrowser operator = ConsoleBrowser.loggedIn(port, OPERATOR, "demo-operator-password");
        HttpResponse<String> page = operator.get("/console/jobs/" + job.jobId());
        assertThat(page.body()).contains(">Resend</button>");
        String delivery = receiverDelivery(page.body());

        HttpResponse<String> confirm = operator.post("/console/deliveries/" + delivery + "/resend", Map.of());
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("Resend a delivery?", "name=\"confirmed\"", "name=\"reason\"");
        assertThat(received(job.encounterId())).as("nothing resent before the confirmation").isEqualTo(1);

        HttpResponse<String> done = operator.post("/console/deliveries/" + delivery + "/resend",
                Map.of("confirmed", "yes", "reason", "TICKET-4242 receiver lost it"));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(done.headers().firstValue("location").orElse("")).endsWith("/console/jobs/" + job.jobId());
        await().atMost(Duration.ofSeconds(30)).until(() -> received(job.encounterId()) == 2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String after = operator.get("/console/jobs/" + job.jobId()).body();
            Matcher rows = DELIVERY_ROW.matcher(after);
            int toReceiver = 0;
            while (rows.find()) {
                toReceiver += Integer.parseInt(rows.group(2)) == java.net.URI.create(receiver.url()).getPort() ? 1 : 0;
            }
            assertThat(toReceiver).as("deliveries to the receiver on the job page").isEqualTo(2);
            assertThat(after).doesNotContain("<td>pending</td>");
        });
        assertThat(jdbc.queryForList("select actor || ' ' || operation || ' ' || object_id || ' ' || reason from audit_log"
                + " where actor_type = 'console' and operation = 'console-resend-delivery'", String.class))
                .contains(OPERATOR + " console-resend-delivery " + delivery + " TICKET-4242 receiver lost it");
        assertThat(operator.get("/console/audit?operation=console-resend-delivery").body())
                .contains("TICKET-4242 receiver lost it", delivery);
    }

    @Test
    void anOperatorRecoversTheFailedDeliveriesOfAFilterAfterADryRunCount() throws Exception {
        Job job = deliveredJob();
        ConsoleBrowser operator = ConsoleBrowser.loggedIn(port, OPERATOR, "demo-operator-password");
        String delivery = receiverDelivery(operator.get("/console/jobs/" + job.jobId()).body());
        String endpoint = jdbc.queryForObject("select endpoint_id from webhook_delivery where id = ?", String.class, delivery);
        // the receiver's delivery as if its last attempt had failed
        jdbc.update("update webhook_delivery set status = 'failed' where id = ?", delivery);

        HttpResponse<String> count = operator.post("/console/deliveries/recover", Map.of("client", CLIENT_ID, "endpoint", endpoint));
        assertThat(count.statusCode()).isEqualTo(200);
        assertThat(count.body()).contains("Recover failed deliveries?", "1 failed deliveries match", "name=\"reason\"");
        assertThat(received(job.encounterId())).as("a dry run sends nothing").isEqualTo(1);

        HttpResponse<String> done = operator.post("/console/deliveries/recover", Map.of("client", CLIENT_ID, "endpoint", endpoint,
                "confirmed", "yes", "reason", "TICKET-5 receiver was down"));
        assertThat(done.statusCode()).isEqualTo(302);
        await().atMost(Duration.ofSeconds(30)).until(() -> received(job.encounterId()) == 2);
        assertThat(operator.get("/console/deliveries").body()).contains("1 deliveries queued again.");
        assertThat(operator.post("/console/deliveries/recover", Map.of("client", CLIENT_ID, "endpoint", endpoint)).body())
                .as("a recovered delivery is not recovered again").contains("0 failed deliveries match");
        assertThat(jdbc.queryForList("select object_id || ' ' || outcome || ' ' || reason from audit_log"
                + " where operation = 'console-recover-deliveries' and actor = ?", String.class, OPERATOR))
                .contains(endpoint + " queued 1 of 1 TICKET-5 receiver was down");
    }

    @Test
    void aResendWithoutItsReasonIsNotDone() throws Exception {
        Job job = deliveredJob();
        ConsoleBrowser operator = ConsoleBrowser.loggedIn(port, OPERATOR, "demo-operator-password");
        String delivery = receiverDelivery(operator.get("/console/jobs/" + job.jobId()).body());
        HttpResponse<String> done = operator.post("/console/deliveries/" + delivery + "/resend", Map.of("confirmed", "yes", "reason", " "));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(operator.get(done.headers().firstValue("location").orElseThrow().replaceFirst("^https?://[^/]+", "")).body())
                .contains("Give a reason");
        assertThat(received(job.encounterId())).isEqualTo(1);
    }

    @Test
    void aPostWithoutItsCsrfTokenIsRefused() throws Exception {
        Job job = deliveredJob();
        ConsoleBrowser operator = ConsoleBrowser.loggedIn(port, OPERATOR, "demo-operator-password");
        String delivery = receiverDelivery(operator.get("/console/jobs/" + job.jobId()).body());
        HttpResponse<String> forged = operator.postWithout("/console/deliveries/" + delivery + "/resend",
                Map.of("confirmed", "yes", "reason", "forged"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(operator.postWithout("/console/deliveries/" + delivery + "/resend",
                Map.of("confirmed", "yes", "reason", "forged", "_csrf", "not-the-token")).statusCode()).isEqualTo(403);
        assertThat(received(job.encounterId())).isEqualTo(1);
        ConsoleBrowser fresh = new ConsoleBrowser(port);
        assertThat(fresh.postWithout("/console/login", Map.of("username", OPERATOR, "password", "demo-operator-password"))
                .statusCode()).as("a login without the login page's token").isEqualTo(403);
    }

    @Test
    void cookiesAreHttpOnlyAndSameSiteLaxAndNoSessionBeforeLogin() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(port);
        HttpResponse<String> loginPage = browser.get("/console/login");
        assertThat(ConsoleBrowser.setCookies(loginPage)).doesNotContainKey("JSESSIONID").containsKey("CONSOLE-XSRF");
        assertThat(ConsoleBrowser.setCookies(loginPage).get("CONSOLE-XSRF")).contains("HttpOnly", "SameSite=Lax", "Path=/console")
                .doesNotContain("Secure");
        HttpResponse<String> login = browser.post("/console/login", Map.of("username", VIEWER, "password", "demo-viewer-password"));
        String session = ConsoleBrowser.setCookies(login).get("JSESSIONID");
        assertThat(session).as("the session cookie").isNotNull().contains("HttpOnly", "SameSite=Lax")
                .as("sandbox mode: served over plain HTTP on loopback").doesNotContain("Secure");
    }

    @Test
    void aRefusedLoginSetsNoSessionCookieAndIsAudited() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(port);
        HttpResponse<String> refused = browser.login(VIEWER, "not-the-password");
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(refused.headers().firstValue("location").orElse("")).endsWith("/console/login?error");
        assertThat(ConsoleBrowser.setCookies(refused)).doesNotContainKey("JSESSIONID");
        assertThat(browser.get("/console/login?error").body()).contains("Wrong user name or password.");
        assertThat(browser.get("/console").statusCode()).as("still not logged in").isEqualTo(302);
        HttpResponse<String> unknownUser = browser.login("nobody-here", "whatever");
        assertThat(ConsoleBrowser.setCookies(unknownUser)).doesNotContainKey("JSESSIONID");
        assertThat(jdbc.queryForObject("select count(*) from audit_log where operation = 'console-login' and outcome = 'refused'",
                Long.class)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyPageHasAContentSecurityPolicyWithoutInlineScriptOrStyle() throws Exception {
        Job job = deliveredJob();
        ConsoleBrowser operator = ConsoleBrowser.loggedIn(port, OPERATOR, "demo-operator-password");
        for (String path : List.of("/console/login", "/console", "/console/jobs/" + job.jobId(), "/console/deliveries",
                "/console/audit", "/console/search?q=" + job.encounterId() + "x", "/console/connections", "/console/endpoints", "/console/dead-letters")) {
            HttpResponse<String> page = operator.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            String policy = page.headers().firstValue("content-security-policy").orElse("");
            assertThat(policy).as(path).contains("default-src 'none'", "style-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "script-src");
            assertThat(page.body()).as(path).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<style")
                    .doesNotContainIgnoringCase(" style=").doesNotContainIgnoringCase(" on" + "click=")
                    .contains("/console/assets/console.css");
        }
        HttpResponse<String> css = operator.get("/console/assets/console.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("content-type").orElse("")).startsWith("text/css");
    }

    @Test
    void theEnginesOtherPathsKeepTheirOwnAuthentication() throws Exception {
        ConsoleBrowser operator = ConsoleBrowser.loggedIn(port, OPERATOR, "demo-operator-password");
        // a console session opens nothing else: the API still wants its credentials, the admin API its token
        HttpResponse<String> api = operator.get("/v1/providers");
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(api.body()).path("error").asText()).isNotBlank();
        assertThat(operator.get("/admin/v1/clients").statusCode()).isEqualTo(401);
        assertThat(get("/v1/providers").statusCode()).isEqualTo(200);
        HttpResponse<String> health = operator.get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("content-security-policy")).as("no console header elsewhere").isEmpty();
        assertThat(ConsoleBrowser.setCookies(get("/v1/providers"))).isEmpty();
        assertThat(operator.get("/openapi.json").statusCode()).isEqualTo(200);
    }

    @Test
    void searchFindsAJobByEachOfItsIds() throws Exception {
        Job job = deliveredJob();
        String eventId = jdbc.queryForObject("select id from webhook_event where encounter_id = ?", String.class, job.encounterId());
        ConsoleBrowser viewer = ConsoleBrowser.loggedIn(port, VIEWER, "demo-viewer-password");
        String emrId = jdbc.queryForObject("select emr_appointment_id from telephone_encounter where id = ?", String.class,
                job.encounterId());
        for (String term : List.of(job.jobId(), job.encounterId(), eventId, emrId)) {
            HttpResponse<String> found = viewer.get("/console/search?q=" + java.net.URLEncoder.encode(term, "UTF-8"));
            assertThat(found.statusCode()).as(term).isEqualTo(302);
            assertThat(found.headers().firstValue("location").orElse("")).as(term).endsWith("/console/jobs/" + job.jobId());
        }
        assertThat(viewer.get("/console/search?q=nothing-has-this-id").body()).contains("No job matches.");
        assertThat(viewer.get("/console/jobs/999999999").statusCode()).isEqualTo(404);
    }

    @Test
    void anOperatorSyncsAConnectionAndAViewerMayNot() throws Exception {
        String connection = jdbc.queryForObject("select id from emr_connection where name = 'sandbox'", String.class);
        ConsoleBrowser viewer = ConsoleBrowser.loggedIn(port, VIEWER, "demo-viewer-password");
        HttpResponse<String> page = viewer.get("/console/connections");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(connection, "supported").doesNotContain("Sync now");
        assertThat(viewer.post("/console/connections/" + connection + "/sync", Map.of("reason", "try")).statusCode()).isEqualTo(403);
        jdbc.update("update emr_connection set last_synced_at = null where id = ?", connection);

        ConsoleBrowser operator = ConsoleBrowser.loggedIn(port, OPERATOR, "demo-operator-password");
        assertThat(operator.get("/console/connections").body()).contains("Sync now");
        HttpResponse<String> synced = operator.post("/console/connections/" + connection + "/sync", Map.of("reason", "TICKET-77 new provider"));
        assertThat(synced.statusCode()).isEqualTo(302);
        assertThat(jdbc.queryForObject("select last_synced_at is not null from emr_connection where id = ?", Boolean.class, connection))
                .as("the sync ran").isTrue();
        assertThat(jdbc.queryForList("select actor || ' ' || object_id || ' ' || outcome || ' ' || reason from audit_log"
                + " where operation = 'console-sync-connection'", String.class))
                .contains(OPERATOR + " " + connection + " synced TICKET-77 new provider");
        assertThat(operator.get("/console/connections").body()).contains("Connection " + connection + " synced.");
    }

    @Test
    void theEndpointsPageShowsHealthAndSecretAgeButNoUrlPath() throws Exception {
        deliveredJob();
        ConsoleBrowser viewer = ConsoleBrowser.loggedIn(port, VIEWER, "demo-viewer-password");
        HttpResponse<String> page = viewer.get("/console/endpoints");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<td>127.0.0.1:" + java.net.URI.create(receiver.url()).getPort() + "</td>", "enabled", "PT")
                .doesNotContain(receiver.url(), "/hooks");
    }

    /** The id of the dead letter on the queue whose row links the job, from the dead-letters page. */
    static String deadLetterOf(String page, String queue, String jobId) {
        for (String row : page.split("<tr>")) {
            if (row.contains("<td>" + queue + "</td>") && row.contains("/console/jobs/" + jobId + "\"")) {
                Matcher id = Pattern.compile("<td>(ID:[^<]+)</td>").matcher(row);
                if (id.find()) {
                    return id.group(1);
                }
            }
        }
        return null;
    }

    @Test
    void deadLettersShowTheirJobAndAnOperatorRedrivesOrDiscardsThem() throws Exception {
        Job job = deliveredJob();
        String delivery = jdbc.queryForObject("""
                select d.id from webhook_delivery d join webhook_event e on e.id = d.event_id where e.encounter_id = ?
                 order by d.created_at limit 1""", String.class, job.encounterId());
        // the broker browses at most 400 letters a queue: start from the letters of this test alone,
        // not those that other tests in this engine left
        drainDeadLetters("");
        // more than a page of older dead letters before it: the page must show the newest
        for (int n = 0; n < 101; n++) {
            camel.sendBodyAndHeader("activemq:queue:DLQ.webhooks.deliver",
                    JSON.createObjectNode().put("delivery_id", "older-" + n).toString(), "consoleTestOlder", "yes");
        }
        camel.sendBody("activemq:queue:DLQ.webhooks.deliver", JSON.createObjectNode().put("delivery_id", delivery).toString());
        // one the engine's dead-letter consumer leaves for an operator (JMSType untied)
        camel.sendBodyAndHeader("activemq:queue:DLQ.telephone-encounters.requests", JSON.createObjectNode()
                .put("telephone_encounter_id", job.encounterId()).put("job_id", job.jobId()).toString(), "JMSType", "untied");

        ConsoleBrowser viewer = ConsoleBrowser.loggedIn(port, VIEWER, "demo-viewer-password");
        String page = viewer.get("/console/dead-letters").body();
        String toRedrive = deadLetterOf(page, "DLQ.webhooks.deliver", job.jobId());
        String toDiscard = deadLetterOf(page, "DLQ.telephone-encounters.requests", job.jobId());
        assertThat(toRedrive).as("the delivery's dead letter, linked to its job").isNotNull();
        assertThat(toDiscard).as("the job's dead letter").isNotNull();
        assertThat(page).doesNotContain("Re-drive", "Discard", delivery);
        assertThat(viewer.post("/console/dead-letters/redrive", Map.of("queue", "DLQ.webhooks.deliver", "message", toRedrive,
                "confirmed", "yes", "reason", "try")).statusCode()).isEqualTo(403);

        ConsoleBrowser operator = ConsoleBrowser.loggedIn(port, OPERATOR, "demo-operator-password");
        assertThat(operator.get("/console/dead-letters").body()).contains("Re-drive", "Discard");
        HttpResponse<String> confirm = operator.post("/console/dead-letters/redrive",
                Map.of("queue", "DLQ.webhooks.deliver", "message", toRedrive));
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("Re-drive this message?");
        assertThat(deadLetterOf(operator.get("/console/dead-letters").body(), "DLQ.webhooks.deliver", job.jobId()))
                .as("nothing moved before the confirmation").isEqualTo(toRedrive);
        assertThat(operator.post("/console/dead-letters/redrive", Map.of("queue", "DLQ.webhooks.deliver", "message", toRedrive,
                "confirmed", "yes", "reason", "TICKET-9 receiver fixed")).statusCode()).isEqualTo(302);
        assertThat(operator.post("/console/dead-letters/discard", Map.of("queue", "DLQ.telephone-encounters.requests",
                "message", toDiscard, "confirmed", "yes", "reason", "TICKET-9 duplicate")).statusCode()).isEqualTo(302);
        String after = operator.get("/console/dead-letters").body();
        assertThat(deadLetterOf(after, "DLQ.webhooks.deliver", job.jobId())).isNull();
        assertThat(deadLetterOf(after, "DLQ.telephone-encounters.requests", job.jobId())).isNull();
        assertThat(jdbc.queryForList("select operation || ' ' || outcome || ' ' || reason from audit_log where actor = ?"
                + " and operation like 'console-%-dead-letter'", String.class, OPERATOR)).contains(
                "console-redrive-dead-letter queued to webhooks.deliver TICKET-9 receiver fixed",
                "console-discard-dead-letter discarded TICKET-9 duplicate");
        // the re-driven message reached the delivery queue, whose consumer found the delivery no longer pending
        assertThat(received(job.encounterId())).isEqualTo(1);
        drainDeadLetters("?selector=consoleTestOlder='yes'");
    }

    private void drainDeadLetters(String options) throws Exception {
        try (org.apache.camel.ConsumerTemplate drain = camel.getCamelContext().createConsumerTemplate()) {
            while (drain.receiveBody("activemq:queue:DLQ.webhooks.deliver" + options, 1000) != null) {
                // one letter fewer
            }
        }
    }

    private long received(String encounterId) {
        return receiver.received().stream().filter(r -> r.bodyText().contains(encounterId)).count();
    }
}
