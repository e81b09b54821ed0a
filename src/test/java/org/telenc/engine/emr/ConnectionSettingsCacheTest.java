package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.admin.AdminAuthenticator;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.StatementCounter;

/**
 * Intake and jobs read the EMR connection (settings, credentials, capabilities), the client with
 * its token and the client's webhook URLs from the database once, not per request, and a change
 * through the admin API takes effect on the next request. The
 * statements are counted on their way to the real database.
 */
class ConnectionSettingsCacheTest extends EngineTest {

    /** findConnection, sealedCredentials and batching: the reads of one connection's row by id. */
    static final String CONNECTION_READ = "from emr_connection where id = ?";
    static final int REQUESTS = 30;
    static final Path TEAM_ROUTES = Path.of("target", "test-data", "settings-cache-routes-" + UUID.randomUUID()).toAbsolutePath();

    static {
        try {
            Files.createDirectories(TEAM_ROUTES);
            Files.writeString(TEAM_ROUTES.resolve("closed.camel.yaml"), """
                    - route:
                        id: test-clinic-closed
                        description: "Refuses every request: the clinic is closed"
                        from:
                          uri: direct:test-clinic-closed
                          steps:
                            - setBody:
                                method:
                                  ref: extensions
                                  method: "rejectInvalid('clinic_closed', 'The clinic takes no telephone requests today.')"
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestConfiguration
    static class Counting {
        @Bean
        static StatementCounter statementCounter() {
            return new StatementCounter();
        }
    }

    @DynamicPropertySource
    static void engine(DynamicPropertyRegistry registry) {
        ownEngine(registry, "connection-settings-cache");
        registry.add("engine.routes.extra-location", TEAM_ROUTES::toString);
        // long enough that no entry expires during the test: what is counted is what the writes drop
        registry.add("engine.connections.cache-ttl", () -> "10m");
    }

    HttpResponse<String> patchConnection(String body) throws Exception {
        return send(HttpRequest.newBuilder(uri("/admin/v1/connections/" + DemoTenant.CONNECTION_NAME))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + AdminAuthenticator.DEMO_TOKEN)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    String accepted(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("telephone_encounter_id").asText();
    }

    void awaitFinished(List<String> ids) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String id : ids) {
                JsonNode status = JSON.readTree(get("/v1/telephone-encounters/" + id).body()).path("telephone_encounter");
                assertThat(status.path("status").asText()).isEqualTo("completed");
            }
        });
    }

    @Test
    void settingsChangedThroughTheAdminApiTakeEffectOnTheNextRequest() throws Exception {
        String body = encounterBody("100234", null, null);
        accepted(post("/v1/telephone-encounters", body)); // the settings are now cached

        // a setting the intake reads on every request: the team route that accepts (here: refuses) requests
        HttpResponse<String> patched = patchConnection("""
                {"settings": {"extensions": {"accepting": "test-clinic-closed"}}}""");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        HttpResponse<String> refused = post("/v1/telephone-encounters", body);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("clinic_closed");

        openTheClinic();
        accepted(post("/v1/telephone-encounters", body));
    }

    @AfterEach
    void openTheClinic() throws Exception {
        assertThat(patchConnection("""
                {"settings": {"extensions": null}}""").statusCode()).isEqualTo(200);
    }

    @Test
    void intakeRequestsAndTheirJobsReadTheConnectionOnce() throws Exception {
        awaitFinished(List.of(accepted(post("/v1/telephone-encounters", encounterBody("100234", null, null)))));
        StatementCounter.reset();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            ids.add(accepted(post("/v1/telephone-encounters", encounterBody(i % 2 == 0 ? "100234" : "100235", null, null))));
        }
        awaitFinished(ids);
        long reads = StatementCounter.count(CONNECTION_READ);
        System.out.printf("connection reads by id for %d intake requests and their jobs: %d%n", REQUESTS, reads);
        StatementCounter.all().forEach((sql, count) -> {
            if (sql.contains("emr_connection") || sql.contains("webhook_endpoint") || sql.contains("access_token")) {
                System.out.printf("  %4d %s%n", count, sql.replaceAll("\\s+", " "));
            }
        });
        // read per request: 1 at intake (the accepting setting) + 3 per job (row, credentials, capabilities)
        assertThat(reads).isLessThanOrEqualTo(3);
        // the client with its token (every authenticated call, status polls too), the job's token
        // reference and the client's two webhook URLs with their sealed secrets: read once, not per request
        assertThat(StatementCounter.count(CREDENTIALS_READ)).as("client and token reads").isLessThanOrEqualTo(1);
        assertThat(StatementCounter.count(TOKEN_REFERENCE_READ)).as("token reference reads").isLessThanOrEqualTo(1);
        assertThat(StatementCounter.count(CLIENT_URLS_READ)).as("client webhook URL reads").isLessThanOrEqualTo(1);
        assertThat(StatementCounter.count(URL_READ)).as("webhook URL reads").isLessThanOrEqualTo(2);
        assertThat(StatementCounter.count(URL_SECRETS_READ)).as("webhook secret reads").isLessThanOrEqualTo(2);
    }

    static final String CREDENTIALS_READ = "from api_client a";
    static final String TOKEN_REFERENCE_READ = "select reference_id from access_token where id = ?";
    static final String CLIENT_URLS_READ = "from webhook_endpoint where client_pk = ?";
    static final String URL_READ = "signature_scheme, status from webhook_endpoint where id = ?";
    static final String URL_SECRETS_READ = "previous_secret_expires_at from webhook_endpoint where id = ?";
}
