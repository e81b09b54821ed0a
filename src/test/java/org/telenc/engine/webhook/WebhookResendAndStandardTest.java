package org.telenc.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;

/**
 * A URL registered with the {@code standard} scheme gets deliveries the official Standard Webhooks
 * library verifies; resend queues the same event (same id, same bytes) again.
 */
class WebhookResendAndStandardTest extends EngineTest {

    record Hit(Map<String, List<String>> headers, String body) {
    }

    @Test
    void standardSignaturesVerifyAndResendDeliversTheSameEventAgain() throws Exception {
        List<Hit> hits = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/std", exchange -> {
            hits.add(new Hit(Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        var registered = JSON.readTree(post("/v1/webhook", Json.object(
                "webhook_url", "http://127.0.0.1:" + server.getAddress().getPort() + "/std", "signature_scheme", "standard")).body());
        String secret = registered.path("webhook_secret").asText();
        assertThat(secret).startsWith("whsec_");
        try {
            String id = JSON.readTree(post("/v1/telephone-encounters",
                    "{\"patient_mrn\":\"999999\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}")
                    .body()).path("telephone_encounter_id").asText();
            Hit first = delivery(hits, id, 1);
            Webhook verifier = new Webhook(secret);
            verifier.verify(first.body(), HttpHeaders.of(first.headers(), (a, b) -> true)); // throws if invalid
            String eventId = JSON.readTree(first.body()).path("id").asText();

            var resend = send(HttpRequest.newBuilder(uri("/v1/webhook-events/" + eventId + "/resend"))
                    .header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET).header("access_token", ACCESS_TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(resend.statusCode()).as(resend.body()).isEqualTo(200);
            assertThat(JSON.readTree(resend.body()).path("deliveries").asInt()).isGreaterThanOrEqualTo(1);
            Hit second = delivery(hits, id, 2);
            assertThat(second.body()).isEqualTo(first.body());
            verifier.verify(second.body(), HttpHeaders.of(second.headers(), (a, b) -> true));

            var unknown = send(HttpRequest.newBuilder(uri("/v1/webhook-events/evt_nope/resend"))
                    .header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET).header("access_token", ACCESS_TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(unknown.statusCode()).isEqualTo(404);
        } finally {
            send(HttpRequest.newBuilder(uri("/v1/webhook/" + registered.path("webhook_id").asText()))
                    .header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET).header("access_token", ACCESS_TOKEN)
                    .DELETE());
            server.stop(0);
        }
    }

    private static Hit delivery(List<Hit> hits, String id, int count) {
        return await("delivery " + count).atMost(Duration.ofSeconds(30))
                .until(() -> hits.stream().filter(h -> h.body().contains(id)).toList(), mine -> mine.size() >= count)
                .get(count - 1);
    }
}
