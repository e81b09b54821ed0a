package org.telenc.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Timestamp;
import java.net.http.HttpRequest;
import java.util.List;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.WebhookReceiver;
import org.telenc.engine.tenancy.SecretBox;

/**
 * Webhook signing secrets rest sealed on the engine's real database (H2, or PostgreSQL in CI's
 * profile): sealed when registered and rotated, bound to their URL, opened only to sign; rows
 * written in clear before sealing existed are sealed once at start-up, and still sign the same.
 */
class WebhookSecretSealingTest extends EngineTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    WebhookRepository webhooks;
    @Autowired
    WebhookSecretResealing resealing;
    @Autowired
    SecretBox box;

    Map<String, Object> stored(String endpointId) {
        return jdbc.queryForMap("select secret, previous_secret from webhook_endpoint where id = ?", endpointId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cobalt", "standard"})
    void registeredAndRotatedSecretsRestSealedAndStillSign(String scheme) throws Exception {
        try (WebhookReceiver own = new WebhookReceiver()) {
            JsonNode registered = JSON.readTree(post("/v1/webhook",
                    JSON.createObjectNode().put("webhook_url", own.url()).put("signature_scheme", scheme).toString()).body());
            String id = registered.path("webhook_id").asText();
            String secret = registered.path("webhook_secret").asText();
            assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
            String sealed = (String) stored(id).get("secret");
            assertThat(sealed).startsWith("v2:" + box.currentKeyId() + ":").doesNotContain(secret).doesNotContain("whsec_");
            assertThat(webhooks.secrets(id, Instant.now()).current()).isEqualTo(secret);

            JsonNode rotated = JSON.readTree(post("/v1/webhook/" + id + "/rotate-secret", "").body());
            String next = rotated.path("webhook").path("secret").asText();
            Map<String, Object> after = stored(id);
            assertThat((String) after.get("secret")).startsWith("v2:").doesNotContain(next);
            assertThat(after.get("previous_secret")).isEqualTo(sealed);
            WebhookRepository.Secrets signing = webhooks.secrets(id, Instant.now());
            assertThat(signing.current()).isEqualTo(next);
            assertThat(signing.previous()).isEqualTo(secret);
            // no read but the signing one returns a secret
            assertThat(webhooks.endpoint(id).orElseThrow().toString()).doesNotContain(secret).doesNotContain(next).doesNotContain("v2:");
        }
    }

    @Test
    void aSealedSecretCopiedToAnotherUrlDoesNotOpenThere() throws Exception {
        JsonNode a = JSON.readTree(post("/v1/webhook", JSON.createObjectNode().put("webhook_url", "http://127.0.0.1:9/a-"
                + UUID.randomUUID()).toString()).body());
        JsonNode b = JSON.readTree(post("/v1/webhook", JSON.createObjectNode().put("webhook_url", "http://127.0.0.1:9/b-"
                + UUID.randomUUID()).toString()).body());
        try {
            jdbc.update("update webhook_endpoint set secret = ? where id = ?", stored(a.path("webhook_id").asText()).get("secret"),
                    b.path("webhook_id").asText());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> webhooks.secrets(b.path("webhook_id").asText(), Instant.now()))
                    .hasMessageNotContaining(a.path("webhook_secret").asText());
        } finally {
            // the database is the other tests' too: a URL whose secret opens nowhere would fail every
            // later delivery to it
            for (JsonNode registered : List.of(a, b)) {
                send(HttpRequest.newBuilder(uri("/v1/webhook/" + registered.path("webhook_id").asText())).header("client_id", CLIENT_ID)
                        .header("client_secret", CLIENT_SECRET).header("access_token", ACCESS_TOKEN).DELETE());
            }
        }
    }

    @Test
    void clearSecretsFromBeforeSealingAreSealedAtStartAndSignTheSame() throws Exception {
        JsonNode registered = JSON.readTree(post("/v1/webhook", JSON.createObjectNode().put("webhook_url", "http://127.0.0.1:9/c-"
                + UUID.randomUUID()).toString()).body());
        String id = registered.path("webhook_id").asText();
        // the row as an engine before sealing wrote it: both secrets in clear
        String clear = "whsec_clear" + UUID.randomUUID().toString().replace("-", "");
        String clearPrevious = "whsec_previous" + UUID.randomUUID().toString().replace("-", "");
        jdbc.update("update webhook_endpoint set secret = ?, previous_secret = ?, previous_secret_expires_at = ? where id = ?",
                clear, clearPrevious, Timestamp.from(Instant.now().plus(Duration.ofHours(1))), id);
        // until re-sealed, it still signs (a delivery between the upgrade and the start's re-seal)
        assertThat(webhooks.secrets(id, Instant.now()).current()).isEqualTo(clear);

        assertThat(resealing.reseal()).isGreaterThanOrEqualTo(1);
        Map<String, Object> after = stored(id);
        assertThat((String) after.get("secret")).startsWith("v2:" + box.currentKeyId() + ":").doesNotContain(clear);
        assertThat((String) after.get("previous_secret")).startsWith("v2:" + box.currentKeyId() + ":").doesNotContain(clearPrevious);
        WebhookRepository.Secrets signing = webhooks.secrets(id, Instant.now());
        assertThat(signing.current()).isEqualTo(clear);
        assertThat(signing.previous()).isEqualTo(clearPrevious);
        // once: a second start changes nothing
        assertThat(resealing.reseal()).isZero();
        assertThat(stored(id)).isEqualTo(after);
        // no webhook row of this database is left in clear
        assertThat(jdbc.queryForObject("select count(*) from webhook_endpoint where secret like 'whsec%' or previous_secret like 'whsec%'",
                Integer.class)).isZero();
    }
}
