package org.telenc.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.telenc.engine.webhook.signing.WebhookSignatures;

/** rotate-secret: for 24 hours the old secret keeps verifying; standard deliveries verify with either. */
class WebhookSecretRotationTest extends EngineTest {

    record Hit(String path, Map<String, List<String>> headers, String body) {
    }

    @Test
    void oldAndNewSecretsBothVerifyDuringTheOverlap() throws Exception {
        List<Hit> hits = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            hits.add(new Hit(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        JsonNode standard = JSON.readTree(post("/v1/webhook", Json.object("webhook_url", base + "/std", "signature_scheme", "standard")).body());
        JsonNode cobalt = JSON.readTree(post("/v1/webhook", Json.object("webhook_url", base + "/cob")).body());
        try {
            JsonNode rotatedStandard = JSON.readTree(rotate(standard.path("webhook_id").asText()));
            JsonNode rotatedCobalt = JSON.readTree(rotate(cobalt.path("webhook_id").asText()));
            assertThat(rotatedStandard.path("success").asBoolean()).isTrue();
            assertThat(rotatedStandard.path("webhook").path("id").asText()).isEqualTo(standard.path("webhook_id").asText());
            String newStandard = rotatedStandard.path("webhook").path("secret").asText();
            assertThat(newStandard).startsWith("whsec_").isNotEqualTo(standard.path("webhook_secret").asText());

            String id = JSON.readTree(post("/v1/telephone-encounters",
                    "{\"patient_mrn\":\"999999\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}")
                    .body()).path("telephone_encounter_id").asText();
            Hit std = delivery(hits, "/std", id);
            HttpHeaders headers = HttpHeaders.of(std.headers(), (a, b) -> true);
            new Webhook(standard.path("webhook_secret").asText()).verify(std.body(), headers);
            new Webhook(newStandard).verify(std.body(), headers);

            Hit cob = delivery(hits, "/cob", id);
            String signature = cob.headers().get("Cobalt-verification").get(0);
            assertThat(WebhookSignatures.verifyCobalt(cobalt.path("webhook_secret").asText(),
                    cob.body().getBytes(StandardCharsets.UTF_8), signature)).as("the old secret keeps verifying").isTrue();
            assertThat(rotatedCobalt.path("webhook").path("secret").asText()).isNotEqualTo(cobalt.path("webhook_secret").asText());
        } finally {
            for (JsonNode registered : List.of(standard, cobalt)) {
                send(HttpRequest.newBuilder(uri("/v1/webhook/" + registered.path("webhook_id").asText()))
                        .header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET)
                        .header("access_token", ACCESS_TOKEN).DELETE());
            }
            server.stop(0);
        }
    }

    private String rotate(String webhookId) throws Exception {
        var response = send(HttpRequest.newBuilder(uri("/v1/webhook/" + webhookId + "/rotate-secret"))
                .header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET).header("access_token", ACCESS_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static Hit delivery(List<Hit> hits, String path, String id) {
        return await("a delivery to " + path).atMost(Duration.ofSeconds(30))
                .until(() -> hits.stream().filter(h -> h.path().equals(path) && h.body().contains(id)).findFirst(),
                        java.util.Optional::isPresent)
                .get();
    }
}
