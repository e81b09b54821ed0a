package org.telenc.engine.webhook;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.TestDatabase;

/**
 * The SSRF guard at registration, on the whole engine out of sandbox mode (guard on), a client from the provisioning
 * file: POST /v1/webhook with a URL whose host is a private or reserved address, in any spelling
 * the guard refuses, answers 400 invalid_webhook_url and registers nothing; a public one is taken.
 */
@Tag("database")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class WebhookRegistrationGuardTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path DATA = Path.of("target", "test-data", UUID.randomUUID().toString()).toAbsolutePath();
    static final String SECRET = "guard-client-secret-" + UUID.randomUUID();
    static final String TOKEN = "guard-access-token-" + UUID.randomUUID();
    static final String BROKER = "engine-" + UUID.randomUUID();

    @LocalServerPort
    int port;
    final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Files.createDirectories(DATA);
        Path file = Files.writeString(DATA.resolve("provisioning.yaml"), """
                connections:
                  - name: guard-clinic
                    emr_type: fhir-r4
                    base_url: https://emr.example
                clients:
                  - client_id: guard-client
                    client_secret_env: GUARD_CLIENT_SECRET
                    access_tokens:
                      - access_token_reference_id: guard-ref
                        connection: guard-clinic
                        emr_user_ehr_id: "12222"
                        token_env: GUARD_ACCESS_TOKEN
                """);
        registry.add("engine.data-dir", DATA::toString);
        if (TestDatabase.postgresql()) { // a database of its own: the shared engine of the other tests may run in this JVM
            String url = TestDatabase.newPostgresDatabase();
            registry.add("spring.datasource.url", () -> url);
            registry.add("spring.datasource.username", () -> "postgres");
            registry.add("spring.datasource.password", () -> "");
        }
        // and a broker of its own, so that its consumers (guard on, no sandbox) never take the others' messages
        registry.add("engine.broker.tcp-connector", () -> "");
        registry.add("engine.broker.stomp-connector", () -> "");
        registry.add("engine.broker.amqp-connector", () -> "");
        registry.add("engine.broker.name", () -> BROKER);
        registry.add("engine.broker.url", () -> "vm://" + BROKER + "?create=false");
        registry.add("engine.sync.initial-delay-ms", () -> "600000");
        registry.add("engine.sandbox.enabled", () -> "false");
        registry.add("engine.webhook.address-allowlist", () -> "10.20.0.0/16");
        registry.add("engine.provisioning.file", file::toString);
        registry.add("GUARD_CLIENT_SECRET", () -> SECRET);
        registry.add("GUARD_ACCESS_TOKEN", () -> TOKEN);
    }

    HttpResponse<String> register(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/webhook"))
                .header("Content-Type", "application/json").header("client_id", "guard-client").header("client_secret", SECRET)
                .header("access_token", TOKEN).POST(HttpRequest.BodyPublishers.ofString(
                        JSON.createObjectNode().put("webhook_url", url).toString())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/hook", "https://169.254.169.254/latest/meta-data", "https://10.1.2.3/hook",
            "https://[::1]/hook", "https://[::ffff:169.254.169.254]/hook", "https://[::ffff:a9fe:a9fe]/hook",
            "https://[::169.254.169.254]/hook", "https://[::8.8.8.8]/hook", "https://[2002:a9fe:a9fe::1]/hook",
            "https://[2002:7f00:1::]/hook", "https://[64:ff9b::10.0.0.1]/hook", "https://[64:ff9b::a9fe:a9fe]/hook",
            "https://[64:ff9b:1::808:808]/hook", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",
            "https://[2001:0:a9fe:a9fe::1]/hook", "https://[fd00:ec2::254]/hook", "https://[fe80::1]/hook"})
    void aPrivateOrReservedAddressIsRefusedAtRegistration(String url) throws Exception {
        HttpResponse<String> answer = register(url);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("error").asText()).isEqualTo("invalid_webhook_url");
        assertThat(body.path("message").asText()).isEqualTo("webhook_url must not point at a private or reserved address.");
        assertThat(list()).doesNotContain(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.216.34/hook", "https://[2002:5db8:d822::1]/hook", "https://[64:ff9b::808:808]/hook",
            "https://10.20.3.4/hook", "https://hooks.example/hook"})
    void aPublicOrAllowlistedAddressIsTaken(String url) throws Exception {
        HttpResponse<String> answer = register(url);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(list()).contains(url);
    }

    private String list() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/webhook")).header("client_id", "guard-client")
                .header("client_secret", SECRET).header("access_token", TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
