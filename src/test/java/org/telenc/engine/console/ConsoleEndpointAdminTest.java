package org.telenc.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.webhook.WebhookRepository;

/**
 * The endpoints page's admin actions: re-enable a disabled webhook endpoint and rotate its signing
 * secret. Admin only (no button and 403 for an operator or a viewer), each confirmed with a reason
 * and audited (who, what, why); the new secret is shown once, on the answer of the rotation, and
 * nowhere else: not on the page after, not in the audit, not in a URL, not in the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConsoleEndpointAdminTest extends EngineTest {

    private static final Pattern SECRET = Pattern.compile("<code class=\"secret\">([^<]+)</code>");

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    WebhookRepository webhooks;

    String endpoint;

    /** A disabled endpoint of the demo client (as a 410 Gone leaves it), removed again after the test. */
    @BeforeEach
    void disabledEndpoint() {
        String clientPk = jdbc.queryForObject("select id from api_client where client_id = ?", String.class, CLIENT_ID);
        endpoint = Secrets.newId();
        webhooks.insertEndpoint(new WebhookRepository.Endpoint(endpoint, clientPk, "https://gone.example.invalid/hooks", "cobalt",
                "disabled"), "first-secret-of-the-endpoint-0123456789");
    }

    @AfterEach
    void removeIt() {
        webhooks.setEndpointStatus(endpoint, "deleted");
    }

    String status() {
        return jdbc.queryForObject("select status from webhook_endpoint where id = ?", String.class, endpoint);
    }

    String currentSecret() {
        return webhooks.secrets(endpoint, Instant.now()).current();
    }

    List<String> audit(String operation) {
        return jdbc.queryForList("select actor || ' ' || object_id || ' ' || outcome || ' ' || coalesce(reason, '-')"
                + " from audit_log where operation = ? and object_id = ? order by id", String.class, operation, endpoint);
    }

    @Test
    void anOperatorAndAViewerSeeNoAdminButtonAndAreRefused() throws Exception {
        for (String user : List.of("demo-operator", "demo-viewer")) {
            ConsoleBrowser browser = ConsoleBrowser.loggedIn(port, user, user + "-password");
            HttpResponse<String> page = browser.get("/console/endpoints");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains(endpoint).doesNotContain("Enable again", "Rotate secret", "/rotate-secret");
            for (String action : List.of("enable", "rotate-secret")) {
                assertThat(browser.post("/console/endpoints/" + endpoint + "/" + action, Map.of()).statusCode())
                        .as(user + " " + action).isEqualTo(403);
                assertThat(browser.post("/console/endpoints/" + endpoint + "/" + action,
                        Map.of("confirmed", "yes", "reason", "try")).statusCode()).as(user + " " + action).isEqualTo(403);
            }
        }
        assertThat(status()).isEqualTo("disabled");
        assertThat(currentSecret()).isEqualTo("first-secret-of-the-endpoint-0123456789");
    }

    @Test
    void anAdminEnablesADisabledEndpointAfterConfirmingWithAReason() throws Exception {
        ConsoleBrowser admin = ConsoleBrowser.loggedIn(port, "demo-admin", "demo-admin-password");
        assertThat(admin.get("/console").body()).contains("<span>demo-admin</span> (<span>admin</span>)");
        assertThat(admin.get("/console/endpoints").body()).contains("/console/endpoints/" + endpoint + "/enable", "Enable again");
        HttpResponse<String> confirm = admin.post("/console/endpoints/" + endpoint + "/enable", Map.of());
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("Enable this endpoint again?", "name=\"confirmed\"", "name=\"reason\"");
        assertThat(status()).as("nothing before the confirmation").isEqualTo("disabled");
        admin.post("/console/endpoints/" + endpoint + "/enable", Map.of("confirmed", "yes", "reason", " "));
        assertThat(status()).as("no reason, no change").isEqualTo("disabled");
        assertThat(admin.get("/console/endpoints").body()).contains("Give a reason");

        HttpResponse<String> done = admin.post("/console/endpoints/" + endpoint + "/enable",
                Map.of("confirmed", "yes", "reason", "OPS-12 client fixed its URL"));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(status()).isEqualTo("enabled");
        assertThat(admin.get("/console/endpoints").body()).contains("Endpoint " + endpoint + " enabled again.");
        admin.post("/console/endpoints/" + endpoint + "/enable", Map.of("confirmed", "yes", "reason", "OPS-13 again"));
        assertThat(audit("console-enable-endpoint")).containsExactly(
                "demo-admin " + endpoint + " enabled OPS-12 client fixed its URL",
                "demo-admin " + endpoint + " refused: not disabled OPS-13 again");
    }

    @Test
    void anAdminRotatesTheSecretAndSeesTheNewOneExactlyOnce(CapturedOutput output) throws Exception {
        ConsoleBrowser admin = ConsoleBrowser.loggedIn(port, "demo-admin", "demo-admin-password");
        assertThat(admin.get("/console/endpoints").body()).contains("/console/endpoints/" + endpoint + "/rotate-secret");
        HttpResponse<String> confirm = admin.post("/console/endpoints/" + endpoint + "/rotate-secret", Map.of());
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("Rotate the signing secret of this endpoint?", "name=\"reason\"");
        assertThat(currentSecret()).as("nothing before the confirmation").isEqualTo("first-secret-of-the-endpoint-0123456789");

        HttpResponse<String> rotated = admin.post("/console/endpoints/" + endpoint + "/rotate-secret",
                Map.of("confirmed", "yes", "reason", "OPS-14 secret leaked in a ticket"));
        assertThat(rotated.statusCode()).as("the answer itself, not a redirect").isEqualTo(200);
        assertThat(rotated.headers().firstValue("location")).isEmpty();
        assertThat(rotated.headers().firstValue("cache-control").orElse("")).contains("no-store");
        Matcher shown = SECRET.matcher(rotated.body());
        assertThat(shown.find()).as("the new secret on the answer").isTrue();
        String secret = shown.group(1);
        WebhookRepository.Secrets stored = webhooks.secrets(endpoint, Instant.now());
        assertThat(stored.current()).isEqualTo(secret).isNotEqualTo("first-secret-of-the-endpoint-0123456789");
        assertThat(stored.previous()).as("the old one keeps verifying").isEqualTo("first-secret-of-the-endpoint-0123456789");

        assertThat(admin.get("/console/endpoints").body()).as("shown once").doesNotContain(secret);
        assertThat(admin.get("/console/audit").body()).doesNotContain(secret);
        assertThat(audit("console-rotate-endpoint-secret"))
                .containsExactly("demo-admin " + endpoint + " rotated OPS-14 secret leaked in a ticket");
        assertThat(jdbc.queryForObject("select count(*) from audit_log where outcome like ? or reason like ? or object_id like ?",
                Long.class, "%" + secret + "%", "%" + secret + "%", "%" + secret + "%")).isZero();
        assertThat(output.getAll()).doesNotContain(secret);
    }
}
