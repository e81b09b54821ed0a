package org.telenc.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.admin.AdminAuthenticator;
import org.telenc.engine.support.EngineTest;

/**
 * Every console page, rendered over a seeded encounter that completes, one that fails, and an
 * action, shows none of their PHI (MRN, caller, message, reason, medication names, action text)
 * and no credential or secret (client secret, access token, admin token, webhook secret, console
 * passwords, a webhook URL's path).
 */
class ConsolePagesCarryNoPhiTest extends EngineTest {

    static final String MRN = "100234";
    static final String UNKNOWN_MRN = "987650123";
    static final String CALLER = "Zebediah Quillfeather";
    static final String MESSAGE = "Marmalade-quokka 7731 out of pills";
    static final String REASON = "Xylophone-8842 refill request";
    static final String MEDICATION = "lisinopril";
    static final String FAILING_CALLER = "Ottoline Brackenbury";
    static final String FAILING_MESSAGE = "Heliotrope-5521 question";
    static final String FAILING_REASON = "Nebula-6630 refill";
    static final String FAILING_MEDICATION = "Zyxomycin-4411";
    static final String ACTION_TEXT = "Tamarind-3390 pharmacy called back";
    static final String IDEMPOTENCY_KEY = "console-phi-" + System.nanoTime();

    @Autowired
    JdbcTemplate jdbc;

    JsonNode accepted(HttpResponse<String> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    @Test
    void noPageShowsPatientDataOrSecrets() throws Exception {
        String completing = JSON.createObjectNode().put("patient_mrn", MRN).put("provider_id", "12241").put("location_id", "31")
                .put("assigned_to_id", "12220").put("reason", REASON).put("refill_medication_name", MEDICATION)
                .put("pharmacy_ehr_id", "PH-2001").put("caller", CALLER).put("message", MESSAGE).put("is_high_priority", "false")
                .toString();
        JsonNode first = accepted(send(HttpRequest.newBuilder(uri("/v1/telephone-encounters")).header("Content-Type", "application/json")
                .header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET).header("access_token", ACCESS_TOKEN)
                .header("Idempotency-Key", IDEMPOTENCY_KEY).POST(HttpRequest.BodyPublishers.ofString(completing))));
        String failing = JSON.createObjectNode().put("patient_mrn", UNKNOWN_MRN).put("provider_id", "12241").put("location_id", "31")
                .put("assigned_to_id", "12220").put("reason", FAILING_REASON).put("refill_medication_name", FAILING_MEDICATION)
                .put("caller", FAILING_CALLER).put("message", FAILING_MESSAGE).toString();
        JsonNode second = accepted(post("/v1/telephone-encounters", failing));
        JsonNode created = JSON.readTree(receiver.awaitOne(b -> b.contains(first.path("telephone_encounter_id").asText()),
                Duration.ofSeconds(30)).bodyText());
        receiver.awaitOne(b -> b.contains(second.path("telephone_encounter_id").asText()), Duration.ofSeconds(30));
        String emrAppointmentId = created.path("data").path("emr_appointment_id").asText();
        assertThat(emrAppointmentId).isNotBlank();
        JsonNode action = accepted(post("/v1/telephone-encounters/actions", JSON.createObjectNode()
                .put("emr_appointment_id", emrAppointmentId).put("text", ACTION_TEXT).toString()));
        receiver.awaitOne(b -> b.contains(action.path("action_id").asText()), Duration.ofSeconds(30));
        assertThat(jdbc.queryForObject("select status from telephone_encounter where id = ?", String.class,
                second.path("telephone_encounter_id").asText())).as("the second encounter fails").isEqualTo("failed");

        List<String> jobs = List.of(first.path("job_id").asText(), second.path("job_id").asText(), action.path("job_id").asText());
        String eventId = jdbc.queryForObject("select id from webhook_event where encounter_id = ?", String.class,
                first.path("telephone_encounter_id").asText());
        String delivery = jdbc.queryForObject("select id from webhook_delivery where event_id = ? order by created_at limit 1",
                String.class, eventId);

        // a request of the MQ intake that died: its body is the request itself (PHI), never shown
        camel.sendBody("activemq:queue:DLQ.telephone-encounters.submit", completing);
        ConsoleBrowser anonymous = new ConsoleBrowser(port);
        ConsoleBrowser operator = ConsoleBrowser.loggedIn(port, "demo-operator", "demo-operator-password");
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("login", anonymous.get("/console/login").body());
        pages.put("refused login", anonymous.get("/console/login?error").body());
        List<String> paths = new ArrayList<>(List.of("/console", "/console/deliveries", "/console/deliveries?status=failed",
                "/console/deliveries?client=" + CLIENT_ID + "&eventType=telephone_encounter.created", "/console/audit",
                "/console/audit?actor=" + CLIENT_ID, "/console/connections", "/console/endpoints", "/console/dead-letters", "/console/search?q=nothing-matches", "/console/jobs/999999999"));
        for (String job : jobs) {
            paths.add("/console/jobs/" + job);
        }
        for (String term : List.of(jobs.get(0), first.path("telephone_encounter_id").asText(), action.path("action_id").asText(),
                IDEMPOTENCY_KEY, eventId)) {
            HttpResponse<String> found = operator.get("/console/search?q=" + URLEncoder.encode(term, StandardCharsets.UTF_8));
            assertThat(found.statusCode()).as("search " + term).isEqualTo(302);
            paths.add(found.headers().firstValue("location").orElseThrow().replaceFirst("^https?://[^/]+", ""));
        }
        // the EMR's encounter id names the encounter and the action on it: a list of both
        HttpResponse<String> both = operator.get("/console/search?q=" + URLEncoder.encode(emrAppointmentId, StandardCharsets.UTF_8));
        assertThat(both.statusCode()).isEqualTo(200);
        assertThat(both.body()).contains("/console/jobs/" + jobs.get(0), "/console/jobs/" + jobs.get(2));
        pages.put("search by EMR id", both.body());
        for (String path : paths) {
            HttpResponse<String> page = operator.get(path);
            assertThat(page.statusCode()).as(path).isIn(200, 404);
            pages.put(path, page.body());
        }
        pages.put("confirm resend", operator.post("/console/deliveries/" + delivery + "/resend", Map.of()).body());
        String deadLetters = operator.get("/console/dead-letters").body();
        assertThat(deadLetters).contains("<td>DLQ.telephone-encounters.submit</td>");
        java.util.regex.Matcher deadLetter = java.util.regex.Pattern.compile("<td>(ID:[^<]+)</td>\\s*<td>DLQ.telephone-encounters.submit</td>")
                .matcher(deadLetters);
        assertThat(deadLetter.find()).isTrue();
        pages.put("confirm re-drive", operator.post("/console/dead-letters/redrive",
                Map.of("queue", "DLQ.telephone-encounters.submit", "message", deadLetter.group(1))).body());
        pages.put("confirm recover", operator.post("/console/deliveries/recover", Map.of("client", CLIENT_ID)).body());
        pages.put("confirm recover in a time range", operator.post("/console/deliveries/recover",
                Map.of("client", CLIENT_ID, "from", "2020-01-01T00:00", "since", "7d")).body());
        pages.put("deliveries in a time range", operator.get("/console/deliveries?from=2020-01-01T00:00&to=2100-01-01T00:00&since=24h").body());
        pages.put("refused filter", operator.get("/console/deliveries?from=not-a-time").body());
        pages.put("SSO refused login", anonymous.get("/console/login?error=oidc").body());
        ConsoleBrowser admin = ConsoleBrowser.loggedIn(port, "demo-admin", "demo-admin-password");
        pages.put("endpoints as admin", admin.get("/console/endpoints").body());
        String endpoint = jdbc.queryForObject("select id from webhook_endpoint where status <> 'deleted' order by created_at limit 1",
                String.class);
        pages.put("confirm enable endpoint", admin.post("/console/endpoints/" + endpoint + "/enable", Map.of()).body());
        pages.put("confirm rotate secret", admin.post("/console/endpoints/" + endpoint + "/rotate-secret", Map.of()).body());

        assertThat(pages.get("/console/jobs/" + jobs.get(1))).as("the failed job shows its reason codes")
                .contains("failed");
        assertThat(pages.get("/console/jobs/" + jobs.get(2))).contains(action.path("action_id").asText());
        List<String> forbidden = List.of(MRN, UNKNOWN_MRN, CALLER, MESSAGE, REASON, MEDICATION, FAILING_CALLER, FAILING_MESSAGE,
                FAILING_REASON, FAILING_MEDICATION, ACTION_TEXT, "Quillfeather", "Zyxomycin", "Tamarind", CLIENT_SECRET, ACCESS_TOKEN,
                AdminAuthenticator.DEMO_TOKEN, receiverSecret(), "demo-operator-password", "demo-viewer-password", "demo-admin-password", receiver.url(),
                "/sandbox/webhook-inbox");
        pages.forEach((page, html) -> {
            for (String value : forbidden) {
                assertThat(html).as(page + " must not show " + value).doesNotContainIgnoringCase(value);
            }
        });
        assertThat(pages).as("distinct pages rendered").hasSizeGreaterThanOrEqualTo(20);
    }
}
