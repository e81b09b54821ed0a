package org.telenc.engine.teamroutes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.EngineTest;

/**
 * Reload under load: the whole engine with a team file whose {@code before-emr} and
 * {@code after-outcome} routes a connection's settings name, and 40 requests in flight while the
 * file is rewritten six times. Every request is accepted and ends in one webhook, {@code created};
 * no team call failed (no DirectConsumerNotAvailableException: a call waits while its route is
 * swapped); every {@code after-outcome} ran exactly once per job.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TeamRoutesReloadUnderLoadTest extends EngineTest {

    static final Path FOLDER = Path.of("target", "test-data", "team-routes-load-" + UUID.randomUUID(), "team-routes").toAbsolutePath();
    static final String FILE = "clinic-r.camel.yaml";
    static final String OUTCOMES = "clinic-r.outcomes";
    static final int REQUESTS = 40;
    static final int REWRITES = 6;

    @Autowired
    MeterRegistry meters;
    @Autowired
    ConnectionFactory connectionFactory;

    @DynamicPropertySource
    static void teamFolder(DynamicPropertyRegistry registry) throws IOException {
        ownEngine(registry, "team-routes-load");
        Files.createDirectories(FOLDER);
        Files.writeString(FOLDER.resolve(FILE), version(0));
        registry.add("engine.routes.extra-location", FOLDER::toString);
        registry.add("engine.routes.extra-reload", () -> "true");
        registry.add("engine.routes.extra-reload-interval", () -> "100ms");
    }

    /** The team's file, version n: the same two routes (a new description, so the text changed). */
    static String version(int n) {
        return """
                - route:
                    id: clinic-r-before-emr
                    description: maps nothing (version %1$d)
                    from:
                      uri: direct:clinic-r-before-emr
                      steps:
                        - setBody:
                            method:
                              ref: extensions
                              method: "set(${body}, 'template_name', 'phone-call')"
                - route:
                    id: clinic-r-after-outcome
                    description: tells the clinic's queue of every outcome (version %1$d)
                    from:
                      uri: direct:clinic-r-after-outcome
                      steps:
                        - marshal:
                            json:
                              library: Jackson
                        - convertBodyTo:
                            type: java.lang.String
                        - to:
                            id: clinic-r-outcome-to-queue
                            uri: activemq:queue:%2$s
                            pattern: InOnly
                """.formatted(n, OUTCOMES);
    }

    double reloads(String result) {
        return meters.get("telenc.team.routes.reload").tag("result", result).counter().count();
    }

    double extensions(String point, String result) {
        var counter = meters.find("telenc.extensions").tag("point", point).tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    JsonNode admin(String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer demo-admin-token")
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** Job id → the after-outcome messages on the clinic's queue. */
    Map<String, Long> outcomesByJob() {
        List<String> jobs = new ArrayList<>();
        new JmsTemplate(connectionFactory).browse(OUTCOMES, (session, browser) -> {
            for (var messages = browser.getEnumeration(); messages.hasMoreElements(); ) {
                try {
                    jobs.add(JSON.readTree(((TextMessage) messages.nextElement()).getText()).path("data")
                            .path("telephone_encounter_id").asText());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            return null;
        });
        return jobs.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void rewritingTheFileWhileRequestsAreInFlightLosesNoTeamCall() throws Exception {
        String clinic = "clinic-r-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode connection = JSON.createObjectNode().put("name", clinic).put("emr_type", "fhir-r4").put("base_url", "embedded:sandbox");
        connection.putObject("settings").putObject("extensions")
                .put("before-emr", "clinic-r-before-emr").put("after-outcome", "clinic-r-after-outcome");
        admin("POST", "/admin/v1/connections", JSON.writeValueAsString(connection));
        admin("POST", "/admin/v1/connections/" + clinic + "/sync", null);
        ObjectNode token = JSON.createObjectNode().put("connection", clinic).put("emr_user_ehr_id", "12222")
                .put("access_token_reference_id", clinic);
        String accessToken = admin("POST", "/admin/v1/clients/" + CLIENT_ID + "/access-tokens", JSON.writeValueAsString(token))
                .path("access_token").asText();

        Set<String> accepted = ConcurrentHashMap.newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> sent = new ArrayList<>();
        try {
            for (int i = 0; i < REQUESTS; i++) {
                ObjectNode request = JSON.createObjectNode().put("patient_mrn", "100234").put("provider_id", "12241")
                        .put("location_id", "31").put("assigned_to_id", "12220").put("caller", "Caller " + i)
                        .put("message", "Please call back").put("reason", "Refill");
                sent.add(clients.submit(() -> {
                    HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/v1/telephone-encounters"))
                            .header("Content-Type", "application/json").header("client_id", CLIENT_ID)
                            .header("client_secret", CLIENT_SECRET).header("access_token", accessToken)
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))));
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    accepted.add(JSON.readTree(answer.body()).path("telephone_encounter_id").asText());
                    return null;
                }));
            }
            // the file rewritten while the requests are in flight, each version applied before the next
            for (int n = 1; n <= REWRITES; n++) {
                Files.writeString(FOLDER.resolve(FILE), version(n));
                double applied = n;
                await("version " + n + " applied").atMost(Duration.ofSeconds(30)).until(() -> reloads("applied") >= applied);
            }
            for (Future<?> one : sent) {
                one.get();
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(accepted).hasSize(REQUESTS);
        assertThat(reloads("applied")).isEqualTo(REWRITES);
        assertThat(reloads("refused")).isZero();

        await("one webhook per accepted request").atMost(Duration.ofSeconds(120)).until(() -> accepted.stream()
                .allMatch(id -> receiver.received().stream().anyMatch(r -> r.bodyText().contains(id))));
        await("one after-outcome run per job").atMost(Duration.ofSeconds(30))
                .until(() -> outcomesByJob().keySet().containsAll(accepted));
        for (String id : accepted) {
            List<JsonNode> events = new ArrayList<>();
            for (var r : receiver.received()) {
                if (r.bodyText().contains(id)) {
                    events.add(JSON.readTree(r.bodyText()));
                }
            }
            assertThat(events).as("webhooks of " + id).hasSize(1);
            assertThat(events.get(0).path("type").asText()).as("outcome of " + id).isEqualTo("telephone_encounter.created");
        }
        assertThat(outcomesByJob()).as("after-outcome runs per job").containsOnlyKeys(accepted)
                .allSatisfy((job, runs) -> assertThat(runs).as("runs of " + job).isEqualTo(1L));
        assertThat(extensions("before-emr", "failed")).isZero();
        assertThat(extensions("after-outcome", "failed")).isZero();
        assertThat(extensions("after-outcome", "ran")).isEqualTo(REQUESTS);
    }
}
