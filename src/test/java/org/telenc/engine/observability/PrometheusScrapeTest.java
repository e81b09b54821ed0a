package org.telenc.engine.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.sandbox.DemoTenant;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.telenc.engine.support.Json;

/**
 * Scrapes /actuator/prometheus after real flows on an engine of its own (so every count is exact):
 * a created encounter, a failed one, a request rejected over HTTP and one over the MQ intake, and a
 * webhook delivery that is retried once. The engine's meters are there with the right counts, Camel
 * has a timer for every route id, and no PHI value sent in the requests (nor any id or URL) shows up
 * anywhere in the scrape.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false) // Spring Boot tests export no metrics unless asked to
@DirtiesContext
class PrometheusScrapeTest {

    static final Path DATA = Path.of("target", "test-data", "metrics-" + UUID.randomUUID()).toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BROKER = "engine-" + UUID.randomUUID();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("engine.data-dir", DATA::toString);
        registry.add("engine.broker.tcp-connector", () -> "");
        registry.add("engine.broker.stomp-connector", () -> "");
        registry.add("engine.broker.amqp-connector", () -> "");
        // an embedded broker of its own: the shared engine of the other tests may be running in this JVM
        registry.add("engine.broker.name", () -> BROKER);
        registry.add("engine.broker.url", () -> "vm://" + BROKER + "?create=false");
        registry.add("engine.sync.initial-delay-ms", () -> "600000");
        registry.add("engine.webhook.retry-schedule", () -> "1s,2s");
        registry.add("engine.emr.retry.delay-ms", () -> "50");
    }

    @LocalServerPort
    int port;
    @Autowired
    ProducerTemplate camel;
    @Autowired
    CamelContext camelContext;
    @Autowired
    JdbcTemplate jdbc;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theMetersCountTheFlowsAndCarryNoPhi() throws Exception {
        Instant testStarted = Instant.now();
        String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String caller = "Zebulon Quixote " + tag;
        String message = "Secret symptom " + tag;
        String reason = "Reason " + tag;
        String unknownMrn = "MRN" + tag;
        String mqCaller = "Mq Caller " + tag;

        camel.requestBody("direct:reference-sync", (Object) null);
        AtomicInteger hits = new AtomicInteger();
        HttpServer flaky = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        flaky.createContext("/flaky", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(hits.incrementAndGet() == 1 ? 503 : 204, -1); // the first attempt fails
            exchange.close();
        });
        flaky.start();
        try {
            String flakyUrl = "http://127.0.0.1:" + flaky.getAddress().getPort() + "/flaky";
            assertThat(post("/v1/webhook", Json.object("webhook_url", flakyUrl)).statusCode()).isEqualTo(200);

            ObjectNode phi = Json.node("caller", caller, "message", message, "reason", reason);
            HttpResponse<String> created = post("/v1/telephone-encounters", Json.text(Json.node("patient_mrn", "100234",
                    "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220", "refill_medication_name", "lisinopril")
                    .setAll(phi)));
            HttpResponse<String> failed = post("/v1/telephone-encounters", Json.text(Json.node("patient_mrn", unknownMrn,
                    "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220").setAll(phi)));
            HttpResponse<String> rejected = post("/v1/telephone-encounters", Json.text(Json.node("provider_id", "12241").setAll(phi)));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(200);
            assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(400);
            camel.sendBodyAndHeaders("activemq:queue:telephone-encounters.submit",
                    Json.object("patient_mrn", unknownMrn, "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220",
                            "caller", mqCaller),
                    Map.of("client_id", "demo-client", "client_secret", "not-the-secret", "access_token", "demo-access-token"));
            String createdId = JSON.readTree(created.body()).path("telephone_encounter_id").asText();
            String failedId = JSON.readTree(failed.body()).path("telephone_encounter_id").asText();

            // two events, each to the demo inbox and the flaky URL: 4 successful attempts and 1 retry
            PrometheusText metrics = awaitScrape(m -> m.value("telenc_webhook_attempts_total", "result", "success") >= 4
                    && m.value("telenc_intake_requests_total", "channel", "mq") >= 1
                    && m.value("telenc_queue_depth", "queue", "telephone-encounters.submit.rejected") >= 1);
            assertThat(status(createdId)).isEqualTo("completed");
            assertThat(status(failedId)).isEqualTo("failed");
            String text = scrapeText();
            metrics = PrometheusText.parse(text);

            // intake: by outcome, contract error code and channel
            assertThat(metrics.value("telenc_intake_requests_total", "outcome", "accepted", "error", "none", "channel", "http")).isEqualTo(2);
            assertThat(metrics.value("telenc_intake_requests_total", "outcome", "rejected", "error", "missing_required_field",
                    "channel", "http")).isEqualTo(1);
            assertThat(metrics.value("telenc_intake_requests_total", "outcome", "rejected", "error", "credentials_in_message",
                    "channel", "mq")).isEqualTo(1);
            assertThat(metrics.all("telenc_intake_requests_total")).hasSize(3);
            // terminal outcomes with the first reason code
            assertThat(metrics.value("telenc_encounters_total", "status", "created", "reason", "none")).isEqualTo(1);
            assertThat(metrics.value("telenc_encounters_total", "status", "failed", "reason", "patient_not_found")).isEqualTo(1);
            assertThat(metrics.all("telenc_encounters_total")).hasSize(2);
            // webhook attempts
            assertThat(metrics.value("telenc_webhook_attempts_total", "result", "success")).isEqualTo(4);
            assertThat(metrics.value("telenc_webhook_attempts_total", "result", "retry")).isEqualTo(1);
            assertThat(metrics.value("telenc_webhook_attempts_total", "result", "failed")).isZero();
            // EMR calls, by adapter operation and outcome: one patient search per encounter; the sandbox takes
            // transactions and _revinclude, so the refill's orders come with the patient and the writes are one
            assertThat(metrics.value("telenc_emr_call_seconds_count", "operation", "find-patient", "outcome", "ok")).isEqualTo(1);
            assertThat(metrics.value("telenc_emr_call_seconds_count", "operation", "search-patient-with-orders", "outcome", "ok"))
                    .isEqualTo(1);
            assertThat(metrics.value("telenc_emr_call_seconds_count", "operation", "write-encounter-transaction", "outcome", "ok"))
                    .isEqualTo(1);
            assertThat(metrics.find("telenc_emr_call_seconds_count", "operation", "create-encounter", "outcome", "ok")).isNull();
            assertThat(metrics.find("telenc_emr_call_seconds_count", "operation", "add-refill", "outcome", "ok")).isNull();
            assertThat(metrics.value("telenc_emr_call_seconds_count", "operation", "read-capabilities", "outcome", "ok")).isEqualTo(1);
            assertThat(metrics.find("telenc_emr_call_seconds_sum", "operation", "find-patient", "outcome", "ok").value()).isPositive();
            // every job's EMR calls reached its timeline (job_step): none lost
            assertThat(metrics.find("telenc_job_steps_lost_total")).isNotNull();
            assertThat(metrics.value("telenc_job_steps_lost_total")).isZero();
            // the circuit of the demo connection, labelled with its id
            String connectionId = jdbc.queryForObject("select id from emr_connection where name = ?", String.class,
                    DemoTenant.CONNECTION_NAME);
            assertThat(metrics.find("telenc_emr_circuit_state", "connection", connectionId)).isNotNull();
            assertThat(metrics.value("telenc_emr_circuit_state", "connection", connectionId)).isZero();
            // queue depths of the embedded broker: every engine queue and DLQ; the MQ rejection waits on its queue
            for (String queue : QueueDepthGauges.queues()) {
                assertThat(metrics.find("telenc_queue_depth", "queue", queue)).as(queue).isNotNull();
            }
            assertThat(metrics.value("telenc_queue_depth", "queue", "telephone-encounters.submit.rejected")).isEqualTo(1);
            assertThat(metrics.value("telenc_queue_depth", "queue", "telephone-encounters.requests")).isZero();
            assertThat(metrics.value("telenc_queue_depth", "queue", "DLQ.webhooks.deliver")).isZero();
            // Camel: a timer and counters for every route id
            List<Route> routes = camelContext.getRoutes();
            assertThat(routes).hasSizeGreaterThan(30);
            for (Route route : routes) {
                assertThat(metrics.find("camel_route_policy_seconds_count", "routeId", route.getRouteId()))
                        .as("timer of route %s", route.getRouteId()).isNotNull();
                assertThat(metrics.find("camel_exchanges_total", "routeId", route.getRouteId()))
                        .as("counter of route %s", route.getRouteId()).isNotNull();
            }
            assertThat(metrics.value("camel_route_policy_seconds_count", "routeId", "intake-telephone-encounter")).isEqualTo(4);
            assertThat(metrics.value("camel_route_policy_seconds_count", "routeId", "process-telephone-encounter")).isEqualTo(2);
            assertThat(metrics.all("camel_exchange_event_notifier_seconds_count")).isNotEmpty();
            // the exchange event notifier is the engine's (the gauge registered once, not searched for
            // per exchange), and it records what the stock one does: a timer per static endpoint, for
            // the exchanges the intake route sent on, and the time of the last exchange
            assertThat(camelContext.getManagementStrategy().getEventNotifiers())
                    .anyMatch(n -> n instanceof ExchangeEventTimers.Notifier)
                    .noneMatch(n -> n.getClass() == MicrometerExchangeEventNotifier.class);
            assertThat(metrics.all("camel_exchange_event_notifier_seconds_count"))
                    .extracting(sample -> sample.labels().get("eventType"))
                    .contains("ExchangeCompletedEvent", "ExchangeSentEvent");
            assertThat(metrics.value("camel_exchanges_last_timestamp"))
                    .isBetween((double) testStarted.toEpochMilli(), (double) System.currentTimeMillis());

            // no PHI, id or URL anywhere in the scrape; the MRN (digits) in no metric name or label
            for (String value : List.of(caller, message, reason, unknownMrn, mqCaller, tag, "lisinopril", "Lisinopril",
                    createdId, failedId, "/flaky", String.valueOf(flaky.getAddress().getPort()) + "/")) {
                assertThat(text).as("the scrape").doesNotContain(value);
            }
            for (PrometheusText.Sample sample : metrics.samples()) {
                assertThat(sample.series()).doesNotContain("100234");
                for (String label : sample.labels().values()) {
                    assertThat(label).as("label of %s", sample.name()).doesNotContain("?").doesNotContain("100234");
                }
            }
        } finally {
            flaky.stop(0);
        }
    }

    PrometheusText awaitScrape(java.util.function.Predicate<PrometheusText> ready) throws Exception {
        PrometheusText metrics = await("the flows ended within the time").atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(200)).until(() -> PrometheusText.parse(scrapeText()), ready);
        // held for 500 ms: the engine's counters stay as they are (a wrong extra count would show in the window)
        Map<String, Double> counted = counters(metrics);
        await("no count after the flows ended").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> counters(PrometheusText.parse(scrapeText())).equals(counted));
        return metrics;
    }

    /** Every series of the engine's counters, with its value. */
    static Map<String, Double> counters(PrometheusText metrics) {
        return metrics.samples().stream().filter(s -> s.name().startsWith("telenc_") && s.name().endsWith("_total"))
                .collect(java.util.stream.Collectors.toMap(PrometheusText.Sample::series, PrometheusText.Sample::value, (a, b) -> b));
    }

    String scrapeText() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    String status(String id) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/telephone-encounters/" + id))
                .header("client_id", "demo-client").header("client_secret", "demo-secret").header("access_token", "demo-access-token")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        return body.path("telephone_encounter").path("status").asText();
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Content-Type", "application/json")
                .header("client_id", "demo-client").header("client_secret", "demo-secret").header("access_token", "demo-access-token")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
