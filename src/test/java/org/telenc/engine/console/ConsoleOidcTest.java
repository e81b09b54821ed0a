package org.telenc.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.EngineTest;

/**
 * OpenID Connect login to the console against a real OpenID provider in this JVM
 * (mock-oauth2-server, over HTTP): discovery, the authorization-code flow with state and nonce,
 * the ID token's signature checked against the provider's keys, and the console role from the
 * token's claim. Only the console's chain knows of it: the API and the admin API answer as ever.
 */
class ConsoleOidcTest extends EngineTest {

    static final String ISSUER = "clinic-idp";
    static final String CLIENT = "engine-console";
    static final MockOAuth2Server IDP = new MockOAuth2Server();

    static {
        IDP.start();
    }

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void oidc(DynamicPropertyRegistry registry) {
        ownEngine(registry, "console-oidc");
        registry.add("engine.console.enabled", () -> "true");
        registry.add("engine.console.oidc.issuer-uri", () -> IDP.issuerUrl(ISSUER).toString());
        registry.add("engine.console.oidc.client-id", () -> CLIENT);
        registry.add("engine.console.oidc.client-secret", () -> "console-client-secret");
        registry.add("engine.console.oidc.role-claim", () -> "telenc_role");
    }

    @AfterAll
    static void stop() {
        IDP.shutdown();
    }

    /** The next token the provider issues: for this subject, with these claims. */
    static void nextLogin(String subject, Map<String, Object> claims) {
        IDP.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER, subject, "JWT", List.of(CLIENT), claims, 3600));
    }

    /** Follows the authorization-code flow from an unauthenticated page to the engine's answer to the provider's redirect. */
    HttpResponse<String> logIn(ConsoleBrowser browser) throws Exception {
        HttpResponse<String> page = browser.get("/console/deliveries");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(location(page)).isEqualTo(browser.uri("/console/oauth2/authorization/oidc").toString());
        HttpResponse<String> toProvider = browser.get(URI.create(location(page)));
        assertThat(toProvider.statusCode()).isEqualTo(302);
        URI authorize = URI.create(location(toProvider));
        assertThat(authorize.getPort()).as("the provider").isEqualTo(IDP.issuerUrl(ISSUER).port());
        assertThat(authorize.getQuery()).contains("client_id=" + CLIENT, "response_type=code", "state=", "nonce=",
                "redirect_uri=" + browser.uri("/console/login/oauth2/code/oidc"));
        HttpResponse<String> back = browser.get(authorize);
        assertThat(back.statusCode()).as("the provider's redirect").isEqualTo(302);
        URI callback = URI.create(location(back));
        assertThat(callback.getPath()).isEqualTo("/console/login/oauth2/code/oidc");
        return browser.get(callback);
    }

    static String location(HttpResponse<?> answer) {
        return answer.headers().firstValue("location").orElse("");
    }

    String lastLoginAudit() {
        return jdbc.queryForObject("select coalesce(actor, '-') || ' ' || outcome from audit_log where operation = 'console-login-oidc'"
                + " order by id desc limit 1", String.class);
    }

    @Test
    void anOperatorFromTheClaimLogsInAndMayActAViewerMayNot() throws Exception {
        nextLogin("sub-op-1", Map.of("preferred_username", "nurse.lead", "telenc_role", "operator"));
        ConsoleBrowser operator = new ConsoleBrowser(port);
        HttpResponse<String> done = logIn(operator);
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(location(done)).endsWith("/console");
        assertThat(lastLoginAudit()).isEqualTo("nurse.lead ok");
        HttpResponse<String> overview = operator.get("/console");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains("<span>nurse.lead</span> (<span>operator</span>)");
        String connection = jdbc.queryForObject("select id from emr_connection where name = 'sandbox'", String.class);
        operator.get("/console/connections");
        assertThat(operator.post("/console/connections/" + connection + "/sync", Map.of("reason", "OIDC-1 check")).statusCode())
                .isEqualTo(302);
        assertThat(jdbc.queryForObject("select count(*) from audit_log where operation = 'console-sync-connection'"
                + " and actor = 'nurse.lead'", Long.class)).isEqualTo(1);
        operator.get("/console/deliveries");
        assertThat(operator.post("/console/deliveries/recover", Map.of()).statusCode()).as("the dry run").isEqualTo(200);

        nextLogin("sub-view-1", Map.of("telenc_role", List.of("viewer", "something-else")));
        ConsoleBrowser viewer = new ConsoleBrowser(port);
        assertThat(location(logIn(viewer))).endsWith("/console");
        assertThat(lastLoginAudit()).isEqualTo("sub-view-1 ok");
        assertThat(viewer.get("/console").body()).contains("<span>sub-view-1</span> (<span>viewer</span>)");
        assertThat(viewer.post("/console/connections/" + connection + "/sync", Map.of("reason", "try")).statusCode()).isEqualTo(403);
        assertThat(viewer.post("/console/deliveries/recover", Map.of()).statusCode()).isEqualTo(403);

        // the API and the admin API keep their own authentication: a console session opens neither
        assertThat(operator.get("/v1/providers").statusCode()).isEqualTo(401);
        assertThat(operator.get("/admin/v1/clients").statusCode()).isEqualTo(401);
        assertThat(get("/v1/providers").statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenWhoseClaimNamesNoRoleIsRefusedAndAudited() throws Exception {
        for (Map<String, Object> claims : List.<Map<String, Object>>of(Map.of("telenc_role", "superuser"), Map.of("roles", "admin"))) {
            nextLogin("sub-nobody", claims);
            ConsoleBrowser nobody = new ConsoleBrowser(port);
            HttpResponse<String> refused = logIn(nobody);
            assertThat(refused.statusCode()).isEqualTo(302);
            assertThat(location(refused)).endsWith("/console/login?error=oidc");
            assertThat(lastLoginAudit()).isEqualTo("sub-nobody refused: no console role in claim telenc_role");
            assertThat(nobody.get("/console").statusCode()).as("not logged in").isEqualTo(302);
            assertThat(nobody.get("/console/login?error=oidc").body()).contains("single sign-on login was refused");
        }
    }

    @Test
    void formLoginStaysForTheLocalUsersAndTheLoginPageOffersSingleSignOn() throws Exception {
        ConsoleBrowser local = ConsoleBrowser.loggedIn(port, "demo-operator", "demo-operator-password");
        assertThat(local.get("/console").body()).contains("<span>demo-operator</span> (<span>operator</span>)");
        assertThat(new ConsoleBrowser(port).get("/console/login").body()).contains("href=\"/console/oauth2/authorization/oidc\"");
    }
}
