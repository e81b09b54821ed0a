package org.telenc.engine.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.admin.AdminAuthenticator;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;

/**
 * Sealed EMR credentials (docs/operating.md "Tenants"), on the engine's real database (H2, or PostgreSQL with
 * {@code -Dengine.test.database=postgresql}): stored EMR credentials are bound to their connection,
 * carry the id of the key that sealed them, survive a key rotation, and values stored in the first
 * format still open and are re-sealed.
 */
class SealedCredentialsTest extends EngineTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmrConnections connections;
    @Autowired
    TenancyRepository tenancy;
    @Autowired
    SecretResealing resealing;
    @Autowired
    SecretBox box;
    @Autowired
    Environment environment;

    String connection(String bearer) throws Exception {
        String name = "sealed-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/admin/v1/connections"))
                .header("Authorization", "Bearer " + AdminAuthenticator.DEMO_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.object("name", name, "emr_type", "fhir-r4",
                        "base_url", "https://emr.example/fhir", "auth", Json.node("type", "bearer", "token", bearer)))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode connection = JSON.readTree(created.body()).path("connection");
        return connection.path("id").asText();
    }

    String stored(String connectionId) {
        return jdbc.queryForObject("select credentials from emr_connection where id = ?", String.class, connectionId);
    }

    void store(String connectionId, String sealed) {
        jdbc.update("update emr_connection set credentials = ? where id = ?", sealed, connectionId);
    }

    /** The key the running engine seals with: engine.secrets.key, or the key file under the data directory. */
    byte[] engineKey() throws Exception {
        String configured = environment.getProperty("engine.secrets.key", "");
        String base64 = configured.isBlank()
                ? Files.readString(Path.of(environment.getProperty("engine.data-dir"), "secrets.key")) : configured;
        return Base64.getDecoder().decode(base64.trim());
    }

    static byte[] newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    @Test
    void aSealedValueCopiedToAnotherConnectionsRowDoesNotOpenThere() throws Exception {
        String tokenA = "emr-token-a-" + UUID.randomUUID();
        String a = connection(tokenA);
        String b = connection("emr-token-b-" + UUID.randomUUID());
        assertThat(stored(a)).startsWith("v2:" + box.currentKeyId() + ":").doesNotContain(tokenA);
        assertThat(connections.get(a).auth().token()).isEqualTo(tokenA);

        store(b, stored(a)); // someone with write access to the table moves A's credentials to B
        assertThatThrownBy(() -> connections.get(b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("could not be opened").hasMessageNotContaining(tokenA);
        assertThat(connections.active()).extracting(c -> c.id()).contains(a).doesNotContain(b);
        assertThat(connections.get(a).auth().token()).isEqualTo(tokenA);
    }

    @Test
    void aValueStoredInTheFirstFormatStillOpensAndIsResealedBoundToItsRow() throws Exception {
        String token = "emr-token-legacy-" + UUID.randomUUID();
        String a = connection("replaced");
        String b = connection("emr-token-other-" + UUID.randomUUID());
        String legacy = SecretBoxTest.sealedTheOldWay(engineKey(), Json.object("type", "bearer", "token", token));
        store(a, legacy);
        assertThat(connections.get(a).auth().token()).as("an upgrade keeps stored credentials").isEqualTo(token);

        assertThat(resealing.reseal()).isGreaterThanOrEqualTo(1); // what every start runs
        String resealed = stored(a);
        assertThat(resealed).startsWith("v2:" + box.currentKeyId() + ":").isNotEqualTo(legacy);
        assertThat(connections.get(a).auth().token()).isEqualTo(token);
        assertThat(resealing.reseal()).as("nothing left to re-seal").isZero();
        assertThat(stored(a)).isEqualTo(resealed);
        store(b, resealed);
        assertThatThrownBy(() -> connections.get(b)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRotatedKeyOpensWhatThePreviousKeySealedAndReSealsItUnderTheNewOne() throws Exception {
        byte[] oldKey = newKey();
        byte[] newKey = newKey();
        SecretBox before = new SecretBox(oldKey);
        SecretBox after = new SecretBox(newKey, List.of(oldKey));
        String token = "emr-token-rotated-" + UUID.randomUUID();
        String a = connection("replaced");
        String b = connection("replaced");
        String plain = Json.object("type", "bearer", "token", token);
        store(a, before.seal(plain, SecretBox.emrCredentials(a)));
        store(b, SecretBoxTest.sealedTheOldWay(oldKey, plain));

        // the engine restarted with engine.secrets.key = new key, engine.secrets.previous-keys = old key
        new SecretResealing(tenancy, after).reseal();
        for (String id : List.of(a, b)) {
            assertThat(stored(id)).startsWith("v2:" + after.currentKeyId() + ":");
            assertThat(new SecretBox(newKey).open(stored(id), SecretBox.emrCredentials(id))).as("the old key can go")
                    .isEqualTo(plain);
            assertThatThrownBy(() -> before.open(stored(id), SecretBox.emrCredentials(id))).isInstanceOf(IllegalStateException.class);
        }
    }
}
