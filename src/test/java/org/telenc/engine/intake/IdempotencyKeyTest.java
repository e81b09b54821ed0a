package org.telenc.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.tenancy.TenancyRepository;

/** docs/api.md "Idempotency-Key" over HTTP: replay, 422 for another body, 409 while accepting, scope, validation. */
class IdempotencyKeyTest extends EngineTest {

    static final String BODY = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TenancyRepository tenancy;

    HttpResponse<String> postWithKey(String key, String body, String token) throws Exception {
        return send(HttpRequest.newBuilder(uri("/v1/telephone-encounters")).header("Content-Type", "application/json")
                .header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET).header("access_token", token)
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    int encounters() {
        return jdbc.queryForObject("select count(*) from telephone_encounter", Integer.class);
    }

    @Test
    void sameKeyAndBodyReplaysTheFirstAnswerAndQueuesNothingNew() throws Exception {
        String key = "order-" + UUID.randomUUID();
        HttpResponse<String> first = postWithKey(key, BODY, ACCESS_TOKEN);
        int after = encounters();
        HttpResponse<String> second = postWithKey(key, BODY, ACCESS_TOKEN);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(encounters()).isEqualTo(after);
        String id = JSON.readTree(first.body()).path("telephone_encounter_id").asText();
        receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)); // exactly one event delivered
    }

    @Test
    void sameKeyWithAnotherBodyIs422() throws Exception {
        String key = "k-" + UUID.randomUUID();
        assertThat(postWithKey(key, BODY, ACCESS_TOKEN).statusCode()).isEqualTo(200);
        HttpResponse<String> reused = postWithKey(key, BODY.replace("100236", "100234"), ACCESS_TOKEN);
        assertThat(reused.statusCode()).isEqualTo(422);
        JsonNode error = JSON.readTree(reused.body());
        assertThat(error.path("error").asText()).isEqualTo("idempotency_key_reused");
        assertThat(error.path("message").asText()).isEqualTo("Idempotency-Key was already used with a different request body.");
    }

    @Test
    void aKeyStillBeingAcceptedIs409WithRetryAfter() throws Exception {
        String key = "busy-" + UUID.randomUUID();
        String clientPk = tenancy.findClient(CLIENT_ID).orElseThrow().id();
        String tokenId = tenancy.findToken(Secrets.sha256Hex(ACCESS_TOKEN)).orElseThrow().id();
        jdbc.update("""
                insert into idempotency_key(client_pk, access_token_id, idem_key, request_hash, state, response_status, response_body, created_at)
                values (?,?,?,?, 'accepting', 200, '{}', ?)""", clientPk, tokenId, key, Secrets.sha256Hex(BODY),
                Timestamp.from(Instant.now()));
        HttpResponse<String> busy = postWithKey(key, BODY, ACCESS_TOKEN);
        assertThat(busy.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(busy.body()).path("error").asText()).isEqualTo("idempotency_key_in_use");
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void keysAreScopedToTheAccessToken() throws Exception {
        String clientPk = tenancy.findClient(CLIENT_ID).orElseThrow().id();
        String sandbox = tenancy.findConnectionIdByName("sandbox").orElseThrow();
        String token = "second-token-" + UUID.randomUUID();
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex(token), clientPk, sandbox, "12222", "second");
        String key = "shared-" + UUID.randomUUID();
        HttpResponse<String> a = postWithKey(key, BODY, ACCESS_TOKEN);
        HttpResponse<String> b = postWithKey(key, BODY, token);
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(b.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(b.body()).path("telephone_encounter_id").asText())
                .isNotEqualTo(JSON.readTree(a.body()).path("telephone_encounter_id").asText());
    }

    @Test
    void aRejectedRequestStoresNoKey() throws Exception {
        String key = "fix-" + UUID.randomUUID();
        HttpResponse<String> rejected = postWithKey(key, BODY.replace("\"12241\"", "\"99999\""), ACCESS_TOKEN);
        assertThat(rejected.statusCode()).isEqualTo(404);
        assertThat(postWithKey(key, BODY, ACCESS_TOKEN).statusCode()).as("the corrected request is new, not a reuse").isEqualTo(200);
    }

    @Test
    void malformedKeysAre400() throws Exception {
        HttpResponse<String> tooLong = postWithKey("k".repeat(256), BODY, ACCESS_TOKEN);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooLong.body()).path("error").asText()).isEqualTo("invalid_idempotency_key");
    }
}
