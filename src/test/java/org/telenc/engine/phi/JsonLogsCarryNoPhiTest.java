package org.telenc.engine.phi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * With the {@code json-logs} profile the console carries one JSON object (ECS) per line: the
 * engine's own lines included, and no PHI in any of them, after full flows (created, failed with a
 * medication list, validation errors quoting PHI).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("json-logs")
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
class JsonLogsCarryNoPhiTest {

    static final Path DATA = Path.of("target", "test-data", "json-logs-" + UUID.randomUUID()).toAbsolutePath();
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
    }

    @LocalServerPort
    int port;
    @Autowired
    ProducerTemplate camel;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyLogLineIsJsonWithoutPhi(CapturedOutput output) throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String caller = "Zebulon Quixote " + tag;
        String message = "Secret symptom " + tag;
        String reason = "Reason " + tag;
        List<String> phi = List.of("100234", caller, message, reason, "Lisinopril", "lisinopril", "ibuprofen", "Metformin");

        camel.requestBody("direct:reference-sync", (Object) null);
        // the sandbox's start-up banner shows a demo curl with the demo MRN: PHI is looked for from the flows on
        int flowsStart = output.getAll().length();
        List<String> ids = new ArrayList<>();
        for (String medication : List.of("lisinopril", "ibuprofen")) {
            ids.add(JSON.readTree(post(Json.text(withPhi(caller, message, reason).put("refill_medication_name", medication))).body())
                    .path("telephone_encounter_id").asText());
        }
        assertThat(post(Json.text(withPhi(caller, message, reason).put("is_high_priority", message))).statusCode()).isEqualTo(400);
        assertThat(post("""
                {"patient_mrn": "100234", %s""".formatted(caller)).statusCode()).isEqualTo(400);
        for (String id : ids) {
            awaitFinished(id);
        }
        // the jobs' last lines and their deliveries' lines are logged just after the status is written
        await("the jobs' and deliveries' log lines").atMost(Duration.ofSeconds(30)).until(() -> {
            String flows = output.getAll().substring(flowsStart);
            return ids.stream().allMatch(id -> flows.contains(id + " job ")) && count(flows, " delivered (delivery ") >= ids.size();
        });

        String text = output.getAll();
        List<String> lines = text.lines().toList();
        int first = 0;
        while (first < lines.size() && !lines.get(first).startsWith("{")) {
            first++; // lines before the engine's logging started (the test framework's own)
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines.subList(first, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode event = JSON.readTree(line); // throws if a line is not JSON
            assertThat(event.isObject()).as(line).isTrue();
            assertThat(event.has("@timestamp") && event.at("/log/level").isTextual() && event.has("message")).as(line).isTrue();
            events.add(event);
        }
        assertThat(events.stream().filter(e -> e.at("/log/logger").asText().startsWith("org.telenc"))
                .anyMatch(e -> e.path("message").asText().contains("ended telephone_encounter.created")))
                .as("the engine's own lines are there, as JSON").isTrue();
        String flowOutput = text.substring(flowsStart);
        assertThat(flowOutput).as("the flows logged something").contains("telephone_encounter.created");
        for (String value : phi) {
            assertThat(flowOutput).as("the console output").doesNotContain(value);
        }
    }

    static ObjectNode withPhi(String caller, String message, String reason) {
        return Json.node("patient_mrn", "100234", "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220",
                "caller", caller, "message", message, "reason", reason);
    }

    static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    void awaitFinished(String id) {
        await("telephone encounter " + id + " finished").atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/telephone-encounters/" + id))
                    .header("client_id", "demo-client").header("client_secret", "demo-secret").header("access_token", "demo-access-token")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return !"processing".equals(JSON.readTree(response.body()).path("telephone_encounter").path("status").asText("processing"));
        });
    }

    HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/telephone-encounters"))
                .header("Content-Type", "application/json").header("client_id", "demo-client").header("client_secret", "demo-secret")
                .header("access_token", "demo-access-token").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
