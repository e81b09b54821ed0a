package org.telenc.engine.intake;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * When the request (or an action) cannot be durably queued (here: the broker is unreachable), the
 * answer is 503 and nothing was stored, so nothing will ever be sent for it.
 */
@Tag("database")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // its broker never answers: an engine left in the JVM would log reconnect errors for the rest of the run
class QueueUnavailableTest {

    static final Path DATA = Path.of("target", "test-data", "no-broker-" + UUID.randomUUID()).toAbsolutePath();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("engine.data-dir", DATA::toString);
        org.telenc.engine.support.TestDatabase.register(registry);
        registry.add("engine.broker.embedded", () -> "false");
        registry.add("spring.activemq.broker-url", () -> "tcp://127.0.0.1:1?connectionTimeout=2000");
        registry.add("engine.sync.initial-delay-ms", () -> "600000");
    }

    @LocalServerPort
    int port;
    @Autowired
    ProducerTemplate camel;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void answers503AndKeepsNothing() throws Exception {
        camel.requestBody("direct:reference-sync", (Object) null);
        int encounters = count("telephone_encounter");
        int requests = count("telephone_encounter_request");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/telephone-encounters"))
                .header("Content-Type", "application/json").header("client_id", "demo-client")
                .header("client_secret", "demo-secret").header("access_token", "demo-access-token")
                .POST(HttpRequest.BodyPublishers.ofString(TelephoneEncounterErrorsTest.VALID)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.path("error").asText()).isEqualTo("service_unavailable");
        assertThat(body.path("message").asText()).isEqualTo("The service is temporarily unavailable. Retry the request.");
        assertThat(count("telephone_encounter")).isEqualTo(encounters);
        assertThat(count("telephone_encounter_request")).isEqualTo(requests);
    }

    @Test
    void anActionAnswers503AndKeepsNothing() throws Exception {
        camel.requestBody("direct:reference-sync", (Object) null);
        int actions = count("telephone_encounter_action");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/telephone-encounters/actions"))
                .header("Content-Type", "application/json").header("client_id", "demo-client")
                .header("client_secret", "demo-secret").header("access_token", "demo-access-token")
                .POST(HttpRequest.BodyPublishers.ofString(TelephoneEncounterActionErrorsTest.VALID)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.path("error").asText()).isEqualTo("service_unavailable");
        assertThat(body.path("message").asText()).isEqualTo("The service is temporarily unavailable. Retry the request.");
        assertThat(count("telephone_encounter_action")).isEqualTo(actions);
    }

    /** Rows of a table; the database may hold other tests' rows (PostgreSQL runs share one). */
    int count(String table) {
        return jdbc.queryForObject("select count(*) from " + table, Integer.class);
    }
}
