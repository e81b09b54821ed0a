package org.telenc.engine.support;

import org.junit.jupiter.api.Tag;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole engine on a random port with its real parts: embedded persistent ActiveMQ, H2 file
 * database, the FHIR sandbox over HTTP, and a real webhook receiver registered for the demo client.
 */
// tests on the engine's database (TestDatabase): the PostgreSQL run repeats these, and only these
@Tag("database")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class EngineTest {

    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final String CLIENT_ID = "demo-client";
    protected static final String CLIENT_SECRET = "demo-secret";
    protected static final String ACCESS_TOKEN = "demo-access-token";
    private static final Path DATA = Path.of("target", "test-data", UUID.randomUUID().toString()).toAbsolutePath();

    protected static WebhookReceiver receiver;
    private static String receiverSecret;
    /** The receiver's webhook secret by the id of its registration (one per database in this JVM). */
    private static final Map<String, String> SECRETS = new ConcurrentHashMap<>();

    @LocalServerPort
    protected int port;

    @Autowired
    protected ProducerTemplate camel;

    protected final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        // placeholders that a subclass's ownEngine(...) fills in, whatever order Spring calls the two in
        registry.add("engine.data-dir", () -> "${engine.test.data-dir:" + DATA + "}");
        registry.add("engine.broker.name", () -> "${engine.test.broker-name:engine}");
        registry.add("engine.broker.url", () -> "${engine.test.broker-url:vm://engine?create=false}");
        TestDatabase.register(registry);
        registry.add("engine.broker.tcp-connector", () -> "tcp://127.0.0.1:0"); // MQ producers connect over TCP
        registry.add("engine.broker.stomp-connector", () -> "${engine.test.stomp-connector:stomp://127.0.0.1:0}");
        registry.add("engine.broker.amqp-connector", () -> "${engine.test.amqp-connector:amqp://127.0.0.1:0}");
        registry.add("engine.sync.initial-delay-ms", () -> "600000");
        // the watchdog runs when a test asks (direct:job-watchdog), not on jobs other tests backdate
        registry.add("engine.watchdog.period-ms", () -> "3600000");
        registry.add("engine.webhook.retry-schedule", () -> "1s,2s");
        registry.add("engine.emr.retry.delay-ms", () -> "50");
        registry.add("engine.emr.retry.backoff", () -> "1s");
        registry.add("engine.emr.retry.jitter", () -> "0");
        registry.add("engine.emr.circuit.open-for", () -> "2s");
        // the suite's tests send wrong credentials on purpose from one address: the shared engine
        // throttles only far beyond them (LoginThrottleHttpTest runs an engine with small budgets)
        registry.add("engine.login-throttle.client-failures", () -> "${engine.test.login-throttle.client-failures:1000000}");
        registry.add("engine.login-throttle.source-failures", () -> "${engine.test.login-throttle.source-failures:1000000}");
    }

    /**
     * For a subclass whose Spring context differs from the shared one (properties of its own, woven
     * routes): its own data directory, embedded broker and database. Two engines in one JVM on one
     * data directory would contend for one KahaDB lock; on one broker they would take each other's
     * messages.
     */
    protected static void ownEngine(DynamicPropertyRegistry registry, String name) {
        Path data = Path.of("target", "test-data", name + "-" + UUID.randomUUID()).toAbsolutePath();
        String broker = "engine-" + name + "-" + UUID.randomUUID();
        registry.add("engine.test.data-dir", data::toString);
        registry.add("engine.test.broker-name", () -> broker);
        registry.add("engine.test.broker-url", () -> "vm://" + broker + "?create=false");
        // ActiveMQ's STOMP and AMQP transport factories are one per JVM and keep the last broker that
        // made a connector: a second broker's, once stopped, would leave the shared engine's AMQP
        // connector answering "broker stopped" (and a Qpid client waiting for ever)
        registry.add("engine.test.stomp-connector", () -> "");
        registry.add("engine.test.amqp-connector", () -> "");
        if (TestDatabase.postgresql()) {
            String url = TestDatabase.newPostgresDatabase();
            registry.add("engine.test.datasource-url", () -> url);
        }
    }

    @BeforeAll
    static void startReceiver() throws Exception {
        if (receiver == null) {
            receiver = new WebhookReceiver();
        }
    }

    @BeforeEach
    void syncAndRegister() throws Exception {
        camel.requestBody("direct:reference-sync", (Object) null);
        // the receiver's registration in this engine's database, if any: engines of their own
        // (ownEngine) have a database and so a registration and secret of their own, while contexts
        // on the shared database share one (a second registration would deliver everything twice)
        String registration = registrationHere();
        String secret = registration == null ? null : SECRETS.get(registration);
        if (secret == null) {
            JsonNode answer = JSON.readTree(post("/v1/webhook", Json.object("webhook_url", receiver.url())).body());
            secret = answer.path("webhook_secret").asText();
            SECRETS.put(answer.path("webhook_id").asText(), secret);
        }
        receiverSecret = secret;
    }

    /** The id of the receiver's webhook registration in this engine, or null. */
    private String registrationHere() throws Exception {
        for (JsonNode webhook : JSON.readTree(get("/v1/webhook").body()).path("webhook_urls")) {
            if (webhook.path("url").asText().equals(receiver.url())) {
                return webhook.path("id").asText();
            }
        }
        return null;
    }

    protected static String receiverSecret() {
        return receiverSecret;
    }

    protected HttpResponse<String> post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET).header("access_token", ACCESS_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    protected HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET)
                .header("access_token", ACCESS_TOKEN).GET());
    }

    protected HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A valid request on the demo data, with an optional refill and pharmacy. */
    protected static String encounterBody(String mrn, String medication, String pharmacy) {
        return Json.object("patient_mrn", mrn, "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220",
                "refill_medication_name", medication, "pharmacy_ehr_id", pharmacy);
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
