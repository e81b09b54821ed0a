package org.telenc.engine.emr.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.sandbox.fhir.LimitedFhirServer;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.FaultyEmrProxy;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.tenancy.SecretBox;
import org.telenc.engine.support.Json;

/**
 * The whole flow against an EMR that demands credentials: SMART Backend Services tokens from a
 * token endpoint that verifies the signed assertion, and a static bearer. Repeated 401s mark the
 * link expired: the job fails with login_required and the API answers 403 login_required.
 */
class EmrAuthenticationFlowTest extends EngineTest {

    static final String SCOPE = "system/*.rs system/Encounter.c";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SecretBox secrets;

    LimitedFhirServer server;
    FaultyEmrProxy emr;
    TokenEndpoint tokens;

    /** A HAPI server of its own (not the engine's sandbox), behind a proxy that checks Authorization. */
    @BeforeEach
    void anEmrBehindAuthentication() throws Exception {
        server = new LimitedFhirServer(true, true);
        emr = new FaultyEmrProxy(server.baseUrl());
        tokens = new TokenEndpoint(Clock.systemUTC(), "telenc-engine", SCOPE);
    }

    void useConnection(EmrAuthSettings auth) {
        String json = switch (auth.type()) {
            case BEARER -> Json.object("type", "bearer", "token", auth.token());
            case SMART_BACKEND -> Json.object("type", "smart-backend", "token_url", auth.tokenUrl(), "client_id", auth.clientId(),
                    "scope", auth.scope(), "key_id", auth.keyId(), "private_key_pem", auth.privateKeyPem());
            default -> throw new IllegalArgumentException();
        };
        // a server the sync has not read yet: what the sandbox's CapabilityStatement said (transactions) is not this one's
        jdbc.update("update emr_connection set base_url = ?, credentials = ?, status = 'active', capabilities = null where name = ?",
                emr.baseUrl(),
                secrets.seal(json, SecretBox.emrCredentials(jdbc.queryForObject("select id from emr_connection where name = ?",
                        String.class, DemoTenant.CONNECTION_NAME))), DemoTenant.CONNECTION_NAME);
    }

    @AfterEach
    void restore() {
        jdbc.update("update emr_connection set base_url = ?, credentials = null, status = 'active' where name = ?",
                EmrConnections.EMBEDDED_SANDBOX, DemoTenant.CONNECTION_NAME);
        emr.close();
        tokens.close();
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String acceptAndAwait(String body, String type) throws Exception {
        var response = post("/v1/telephone-encounters", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String id = JSON.readTree(response.body()).path("telephone_encounter_id").asText();
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).as(event.toString()).isEqualTo(type);
        return event.toString();
    }

    @Test
    void smartBackendTokensAreFetchedOnceSentOnEveryCallAndRenewedAfterA401() throws Exception {
        KeyPair key = TestKeys.rsa(2048);
        tokens.register("kid-1", key.getPublic());
        useConnection(EmrAuthSettings.smartBackend(tokens.url(), "telenc-engine", SCOPE, TestKeys.pem(key.getPrivate()),
                "kid-1", null));
        emr.requireAuthorization(header -> header != null && tokens.tokens.stream().anyMatch(t -> header.equals("Bearer " + t)));

        acceptAndAwait(encounterBody("100234", "lisinopril", "PH-2001"), "telephone_encounter.created");
        assertThat(tokens.issued.get()).as("one token serves every call").isEqualTo(1);
        assertThat(tokens.rejections).isEmpty();
        assertThat(emr.authorizations()).isNotEmpty().allMatch(h -> h.equals("Bearer " + tokens.tokens.get(0)));

        // the EMR stops honouring the first token (revoked, say): one 401, a new token, the job goes on
        String first = tokens.tokens.get(0);
        emr.requireAuthorization(header -> header != null && !header.equals("Bearer " + first)
                && tokens.tokens.stream().anyMatch(t -> header.equals("Bearer " + t)));
        acceptAndAwait(encounterBody("100236", null, null), "telephone_encounter.created");
        assertThat(tokens.issued.get()).isEqualTo(2);
    }

    @Test
    void repeated401sMarkTheLinkExpiredFailTheJobAndTheApiAnswersLoginRequired() throws Exception {
        useConnection(EmrAuthSettings.bearer("static-token-1"));
        emr.requireAuthorization("Bearer static-token-1"::equals);
        acceptAndAwait(encounterBody("100236", null, null), "telephone_encounter.created");

        emr.requireAuthorization(header -> false); // the clinic revoked the engine's access
        for (int i = 0; i < 3; i++) {
            String event = acceptAndAwait(encounterBody("100236", null, null), "telephone_encounter.failed");
            assertThat(JSON.readTree(event).path("data").path("reasons").get(0).path("code").asText()).isEqualTo("login_required");
        }
        assertThat(jdbc.queryForObject("select status from emr_connection where name = ?", String.class,
                DemoTenant.CONNECTION_NAME)).isEqualTo("expired");
        var refused = post("/v1/telephone-encounters", encounterBody("100236", null, null));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("login_required");
        assertThat(emr.authorizations()).allMatch("Bearer static-token-1"::equals);
    }
}
