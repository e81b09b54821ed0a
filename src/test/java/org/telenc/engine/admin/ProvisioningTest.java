package org.telenc.engine.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.MutualTlsServer;
import org.telenc.engine.tenancy.Secrets;

/**
 * The provisioning file (GitOps): applied, a client can call with the credentials it names; applied
 * again, nothing is duplicated; secrets come from the environment and never sit in the file or in
 * the database in clear.
 */
class ProvisioningTest extends EngineTest {

    @Autowired
    Provisioning provisioning;
    @Autowired
    JdbcTemplate jdbc;

    final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void clearEnvironment() {
        System.clearProperty("PROV_EMR_PASSWORD_" + suffix);
        System.clearProperty("PROV_TOKEN_" + suffix);
        System.clearProperty("PROV_SECRET_" + suffix);
        System.clearProperty("PROV_HOOK_" + suffix);
        System.clearProperty("PROV_TLS_KEY_" + suffix);
    }

    /** A client whose secret, token and webhook secret all come from the environment. */
    String fileFromEnvironment() {
        return """
                connections:
                  - name: prov-clinic-%1$s
                    emr_type: fhir-r4
                    base_url: embedded:sandbox
                    auth:
                      type: basic
                      username: engine
                      password_env: PROV_EMR_PASSWORD_%1$s
                clients:
                  - client_id: prov-client-%1$s
                    client_secret_env: PROV_SECRET_%1$s
                    access_tokens:
                      - access_token_reference_id: prov-ref-%1$s
                        connection: prov-clinic-%1$s
                        emr_user_ehr_id: "12222"
                        token_env: PROV_TOKEN_%1$s
                    webhooks:
                      - url: https://hooks.example/prov-%1$s
                        secret_env: PROV_HOOK_%1$s
                """.formatted(suffix);
    }

    static String ofLength(int length) {
        StringBuilder value = new StringBuilder();
        while (value.length() < length) {
            value.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return value.substring(0, length);
    }

    /** A client secret, access token or webhook secret under 32 characters stops the file. */
    @Test
    void aShortSecretTokenOrWebhookSecretStopsTheFileNamingTheEntryNeverTheValue() throws Exception {
        System.setProperty("PROV_EMR_PASSWORD_" + suffix, "short"); // the EMR's own credential: taken as it is
        String[][] cases = {{"PROV_SECRET_", "client prov-client-" + suffix + ": client_secret_env (environment variable PROV_SECRET_"},
                {"PROV_TOKEN_", "access token prov-ref-" + suffix + ": token_env (environment variable PROV_TOKEN_"},
                {"PROV_HOOK_", "webhook https://hooks.example/prov-" + suffix + ": secret_env (environment variable PROV_HOOK_"}};
        for (String[] weak : cases) {
            for (int length : new int[] {1, 8, 16, 31}) {
                String value = "#".repeat(length); // a character no message holds, so an echo would show
                for (String variable : new String[] {"PROV_SECRET_", "PROV_TOKEN_", "PROV_HOOK_"}) {
                    System.setProperty(variable + suffix, variable.equals(weak[0]) ? value : ofLength(32));
                }
                assertThatThrownBy(() -> applyFile(fileFromEnvironment())).as(weak[0] + length)
                        .hasMessageContaining(weak[1] + suffix + ") must hold at least 32 characters")
                        .hasMessageNotContaining(value);
                assertThat(jdbc.queryForObject("select count(*) from emr_connection where name = ?", Integer.class,
                        "prov-clinic-" + suffix)).as("the whole file or nothing").isZero();
            }
        }
        String secret = ofLength(32);
        String token = ofLength(32);
        System.setProperty("PROV_SECRET_" + suffix, secret);
        System.setProperty("PROV_TOKEN_" + suffix, token);
        System.setProperty("PROV_HOOK_" + suffix, ofLength(32));
        applyFile(fileFromEnvironment());
        assertThat(send(HttpRequest.newBuilder(uri("/v1/webhook")).header("client_id", "prov-client-" + suffix)
                .header("client_secret", secret).header("access_token", token).GET()).statusCode()).isEqualTo(200);
    }

    String file(String clientSecretHash) {
        return """
                connections:
                  - name: prov-clinic-%1$s
                    emr_type: fhir-r4
                    base_url: embedded:sandbox
                    auth:
                      type: basic
                      username: engine
                      password_env: PROV_EMR_PASSWORD_%1$s
                clients:
                  - client_id: prov-client-%1$s
                    name: Provisioned client
                    client_secret_sha256: %2$s
                    access_tokens:
                      - access_token_reference_id: prov-ref-%1$s
                        connection: prov-clinic-%1$s
                        emr_user_ehr_id: "12222"
                        token_env: PROV_TOKEN_%1$s
                    webhooks:
                      - url: https://hooks.example/prov-%1$s
                        signature_scheme: standard
                """.formatted(suffix, clientSecretHash);
    }

    void applyFile(String yaml) throws Exception {
        Path path = Files.createTempFile("provisioning", ".yaml");
        Files.writeString(path, yaml);
        Provisioning fromFile = new Provisioning(applicationAdmin, tenancy, webhooks, environment, JSON, transactions,
                path.toString());
        fromFile.applyAtStart();
    }

    @Autowired
    TenancyAdmin applicationAdmin;
    @Autowired
    org.telenc.engine.tenancy.TenancyRepository tenancy;
    @Autowired
    org.telenc.engine.webhook.WebhookRepository webhooks;
    @Autowired
    org.springframework.core.env.Environment environment;
    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactions;

    @Test
    void theFileProvisionsACallableClientAndAppliesIdempotently() throws Exception {
        System.setProperty("PROV_EMR_PASSWORD_" + suffix, "emr-pass-" + suffix);
        String token = "prov-token-" + UUID.randomUUID();
        System.setProperty("PROV_TOKEN_" + suffix, token);
        String secret = "prov-secret-" + UUID.randomUUID();
        applyFile(file(Secrets.sha256Hex(secret)));
        applyFile(file(Secrets.sha256Hex(secret)));

        assertThat(jdbc.queryForObject("select count(*) from emr_connection where name = ?", Integer.class, "prov-clinic-" + suffix))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from access_token where reference_id = ?", Integer.class, "prov-ref-" + suffix))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from webhook_endpoint where url = ?", Integer.class,
                "https://hooks.example/prov-" + suffix)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select credentials from emr_connection where name = ?", String.class, "prov-clinic-" + suffix))
                .startsWith("v2:").doesNotContain("emr-pass-");

        HttpResponse<String> listed = send(HttpRequest.newBuilder(uri("/v1/webhook")).header("client_id", "prov-client-" + suffix)
                .header("client_secret", secret).header("access_token", token).GET());
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(JSON.readTree(listed.body()).path("webhook_urls").get(0).path("signature_scheme").asText()).isEqualTo("standard");

        // a changed token in the environment replaces the old one on the next apply
        String newToken = "prov-token-" + UUID.randomUUID();
        System.setProperty("PROV_TOKEN_" + suffix, newToken);
        applyFile(file(Secrets.sha256Hex(secret)));
        assertThat(send(HttpRequest.newBuilder(uri("/v1/webhook")).header("client_id", "prov-client-" + suffix)
                .header("client_secret", secret).header("access_token", token).GET()).statusCode()).isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/v1/webhook")).header("client_id", "prov-client-" + suffix)
                .header("client_secret", secret).header("access_token", newToken).GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void aMissingEnvironmentVariableStopsWithItsNameAndAppliesNothing() {
        System.setProperty("PROV_EMR_PASSWORD_" + suffix, "emr-pass-" + suffix); // the connection applies, the token cannot
        assertThatThrownBy(() -> applyFile(file(Secrets.sha256Hex("x"))))
                .hasMessageContaining("PROV_TOKEN_" + suffix).hasMessageContaining("is not set")
                .hasMessageNotContaining("emr-pass-");
        assertThat(jdbc.queryForObject("select count(*) from emr_connection where name = ?", Integer.class, "prov-clinic-" + suffix))
                .as("the whole file or nothing").isZero();
        assertThat(jdbc.queryForObject("select count(*) from api_client where client_id = ?", Integer.class, "prov-client-" + suffix))
                .isZero();
    }

    String tlsFile(String certificate) {
        return """
                connections:
                  - name: prov-tls-%1$s
                    emr_type: fhir-r4
                    base_url: https://emr.example/r4
                    tls:
                      client_certificate_pem: %2$s
                      client_key_pem_env: PROV_TLS_KEY_%1$s
                      ca_certificates_pem: %3$s
                """.formatted(suffix, JSON.valueToTree(MutualTlsServer.pem(certificate)).toString(),
                JSON.valueToTree(MutualTlsServer.pem("ca.pem")).toString());
    }

    @Autowired
    org.telenc.engine.emr.EmrConnections connections;

    @Test
    void aConnectionsTlsComesFromTheFileItsKeyFromTheEnvironmentAndAnExpiredCertificateOnlyWarns() throws Exception {
        System.setProperty("PROV_TLS_KEY_" + suffix, MutualTlsServer.pem("client-ec-key.pem"));
        assertThatThrownBy(() -> applyFile(tlsFile("client.pem"))).hasMessageContaining("client_key_pem does not match")
                .hasMessageNotContaining("PRIVATE KEY");
        assertThat(jdbc.queryForObject("select count(*) from emr_connection where name = ?", Integer.class, "prov-tls-" + suffix))
                .isZero();

        System.setProperty("PROV_TLS_KEY_" + suffix, MutualTlsServer.pem("client-key.pem"));
        applyFile(tlsFile("client.pem"));
        String id = jdbc.queryForObject("select id from emr_connection where name = ?", String.class, "prov-tls-" + suffix);
        assertThat(jdbc.queryForObject("select credentials from emr_connection where id = ?", String.class, id))
                .startsWith("v2:").doesNotContain("PRIVATE KEY");
        assertThat(connections.get(id).tls().clientCertificateSubject()).isEqualTo("O=Test Clinic,CN=telenc-engine");

        applyFile(tlsFile("client-expired.pem")); // the start goes on; the warning names the connection
        assertThat(connections.get(id).tls().clientCertificateSubject()).isEqualTo("CN=telenc-engine-expired");
    }
}
