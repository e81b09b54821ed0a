package org.telenc.engine.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.WebhookReceiver;
import org.telenc.engine.support.Json;

/**
 * Operators provision a clinic and a client through the admin API alone, and the client then runs
 * the whole flow on it; secrets come back once and are stored hashed or sealed; rotation,
 * revocation and an expired link take effect at once.
 */
class AdminApiTest extends EngineTest {

    static final String ADMIN = "Bearer " + AdminAuthenticator.DEMO_TOKEN;

    @Autowired
    JdbcTemplate jdbc;

    HttpResponse<String> admin(String method, String path, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    JsonNode adminOk(String method, String path, String body) throws Exception {
        HttpResponse<String> response = admin(method, path, body, ADMIN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    HttpResponse<String> asClient(String clientId, String secret, String token, String method, String path, String body)
            throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").header("client_id", clientId)
                .header("client_secret", secret).header("access_token", token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void withoutTheAdminCredentialNothingIsAnswered() throws Exception {
        for (String authorization : new String[] {null, "Bearer wrong", "Basic ZGVtbzpkZW1v", "Bearer " + ACCESS_TOKEN}) {
            HttpResponse<String> refused = admin("GET", "/admin/v1/clients", null, authorization);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("invalid_admin_credentials");
        }
        // a client's own credentials do not open the admin API either
        HttpResponse<String> client = send(HttpRequest.newBuilder(uri("/admin/v1/clients")).header("client_id", CLIENT_ID)
                .header("client_secret", CLIENT_SECRET).header("access_token", ACCESS_TOKEN).GET());
        assertThat(client.statusCode()).isEqualTo(401);
    }

    @Test
    void aClinicAndAClientProvisionedThroughTheApiRunTheWholeFlow() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String emrSecret = "emr-bearer-" + UUID.randomUUID();
        JsonNode connection = adminOk("POST", "/admin/v1/connections", Json.object("name", "clinic-" + suffix,
                "emr_type", "fhir-r4", "base_url", "embedded:sandbox", "auth", Json.node("type", "bearer", "token", emrSecret),
                "settings", Json.node("timezone", "America/New_York"))).path("connection");
        assertThat(connection.path("auth_type").asText()).isEqualTo("bearer");
        assertThat(connection.toString()).doesNotContain(emrSecret);
        String sealed = jdbc.queryForObject("select credentials from emr_connection where id = ?", String.class,
                connection.path("id").asText());
        assertThat(sealed).startsWith("v2:").doesNotContain(emrSecret);
        assertThat(admin("POST", "/admin/v1/connections", Json.object("name", "clinic-" + suffix, "emr_type", "fhir-r4",
                "base_url", "embedded:sandbox"), ADMIN).statusCode()).isEqualTo(409);

        JsonNode synced = adminOk("POST", "/admin/v1/connections/clinic-" + suffix + "/sync", null);
        assertThat(synced.path("connection").path("last_synced_at").asText()).isNotEqualTo("null");

        String clientId = "acme-" + suffix;
        JsonNode created = adminOk("POST", "/admin/v1/clients", Json.object("client_id", clientId, "name", "Acme"));
        String secret = created.path("client_secret").asText();
        assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
        assertThat(jdbc.queryForObject("select secret_hash from api_client where client_id = ?", String.class, clientId))
                .isNotEqualTo(secret).hasSize(64);
        assertThat(admin("POST", "/admin/v1/clients", Json.object("client_id", clientId), ADMIN).statusCode()).isEqualTo(409);
        assertThat(adminOk("GET", "/admin/v1/clients", null).toString()).contains(clientId).doesNotContain(secret);

        JsonNode issued = adminOk("POST", "/admin/v1/clients/" + clientId + "/access-tokens", Json.object("connection", "clinic-" + suffix,
                "emr_user_ehr_id", "12222", "access_token_reference_id", "acme-clinic-" + suffix));
        String token = issued.path("access_token").asText();
        String tokenId = issued.path("access_token_info").path("id").asText();
        assertThat(adminOk("GET", "/admin/v1/clients/" + clientId + "/access-tokens", null).toString())
                .contains(tokenId).doesNotContain(token);

        try (WebhookReceiver hooks = new WebhookReceiver()) {
            assertThat(asClient(clientId, secret, token, "POST", "/v1/webhook", Json.object("webhook_url", hooks.url()))
                    .statusCode()).isEqualTo(200);
            HttpResponse<String> accepted = asClient(clientId, secret, token, "POST", "/v1/telephone-encounters",
                    encounterBody("100234", "lisinopril", "PH-2001"));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            String id = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
            JsonNode event = JSON.readTree(hooks.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
            assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
            assertThat(event.path("access_token_reference_id").asText()).isEqualTo("acme-clinic-" + suffix);
        }

        // rotate the client secret: the old one stops working at once
        String rotated = adminOk("POST", "/admin/v1/clients/" + clientId + "/rotate-secret", null).path("client_secret").asText();
        assertThat(asClient(clientId, secret, token, "GET", "/v1/webhook", null).statusCode()).isEqualTo(401);
        assertThat(asClient(clientId, rotated, token, "GET", "/v1/webhook", null).statusCode()).isEqualTo(200);

        // the link expires: login_required; active again: fine
        adminOk("PATCH", "/admin/v1/connections/clinic-" + suffix, "{\"status\":\"expired\"}");
        HttpResponse<String> expired = asClient(clientId, rotated, token, "POST", "/v1/telephone-encounters", encounterBody("100236", null, null));
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(expired.body()).path("error").asText()).isEqualTo("login_required");
        adminOk("PATCH", "/admin/v1/connections/clinic-" + suffix, "{\"status\":\"active\"}");

        // revoke the token
        adminOk("DELETE", "/admin/v1/clients/" + clientId + "/access-tokens/" + tokenId, null);
        HttpResponse<String> revoked = asClient(clientId, rotated, token, "GET", "/v1/webhook", null);
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(revoked.body()).path("error").asText()).isEqualTo("invalid_access_token");

        // disable the client
        adminOk("PATCH", "/admin/v1/clients/" + clientId, "{\"status\":\"disabled\"}");
        assertThat(JSON.readTree(asClient(clientId, rotated, token, "GET", "/v1/webhook", null).body()).path("error").asText())
                .isEqualTo("invalid_client_credentials");
    }

    @Test
    void badInputIsAClearErrorNeverA500() throws Exception {
        assertThat(admin("POST", "/admin/v1/clients", "not json", ADMIN).statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(admin("POST", "/admin/v1/clients", "{}", ADMIN).body()).path("message").asText())
                .isEqualTo("Missing required field: client_id");
        assertThat(admin("POST", "/admin/v1/clients", "{\"client_id\":\"a b\"}", ADMIN).statusCode()).isEqualTo(400);
        HttpResponse<String> badAuth = admin("POST", "/admin/v1/connections", Json.object("name", "x-" + UUID.randomUUID(),
                "emr_type", "fhir-r4", "base_url", "https://emr.example/r4", "auth", Json.node("type", "basic", "password", "p4ss-w0rd")),
                ADMIN);
        assertThat(badAuth.statusCode()).isEqualTo(400);
        assertThat(badAuth.body()).doesNotContain("p4ss-w0rd");
        assertThat(admin("POST", "/admin/v1/connections", Json.object("name", "y-" + UUID.randomUUID(),
                "emr_type", "fhir-r4", "base_url", "ftp://emr"), ADMIN).statusCode()).isEqualTo(400);
        assertThat(admin("POST", "/admin/v1/clients/nobody/rotate-secret", null, ADMIN).statusCode()).isEqualTo(404);
        assertThat(admin("DELETE", "/admin/v1/clients/" + CLIENT_ID + "/access-tokens/nope", null, ADMIN).statusCode()).isEqualTo(404);
        assertThat(admin("PATCH", "/admin/v1/connections/nope", "{}", ADMIN).statusCode()).isEqualTo(404);
    }

    @Test
    void settingsArePatchedAsJsonMergePatchUnrelatedOnesSurviveANullRemoves() throws Exception {
        String name = "merge-" + UUID.randomUUID().toString().substring(0, 8);
        adminOk("POST", "/admin/v1/connections", JSON.writeValueAsString(JSON.createObjectNode().put("name", name)
                .put("emr_type", "fhir-r4").put("base_url", "embedded:sandbox").set("settings", JSON.readTree("""
                        {"timezone": "America/New_York", "calls_per_minute": 120,
                         "template_map": {"phone-call": "A-PHONE", "refill": "A-REFILL"}}
                        """))));

        JsonNode patched = adminOk("PATCH", "/admin/v1/connections/" + name, """
                {"settings": {"template_map": {"refill": null, "message": "A-MESSAGE"},
                              "calls_per_minute": null, "mrn_system": "urn:oid:1.2.3"}}
                """).path("connection").path("settings");
        JsonNode expected = JSON.readTree("""
                {"timezone": "America/New_York", "mrn_system": "urn:oid:1.2.3",
                 "template_map": {"phone-call": "A-PHONE", "message": "A-MESSAGE"}}
                """);
        assertThat(patched).isEqualTo(expected);
        // what is stored is what was answered, and a patch without settings leaves them alone
        assertThat(JSON.readTree(jdbc.queryForObject("select settings from emr_connection where name = ?", String.class, name)))
                .isEqualTo(expected);
        assertThat(adminOk("PATCH", "/admin/v1/connections/" + name, "{\"status\":\"active\"}").path("connection")
                .path("settings")).isEqualTo(expected);
        // settings that are not an object are refused; an explicit null clears them all
        assertThat(admin("PATCH", "/admin/v1/connections/" + name, "{\"settings\": [1]}", ADMIN).statusCode()).isEqualTo(400);
        assertThat(adminOk("PATCH", "/admin/v1/connections/" + name, "{\"settings\": null}").path("connection")
                .path("settings")).isEqualTo(JSON.createObjectNode());
    }
}
