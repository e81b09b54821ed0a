package org.telenc.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;

/**
 * A receiver that fails stays pending and is retried through the broker scheduler with the same
 * event id and bytes; a 4xx other than 408/429 is not retried. Test schedule: 1 s, 2 s.
 */
class WebhookRetryTest extends EngineTest {

    @Autowired
    JdbcTemplate jdbc;

    record Hit(String path, String attempt, String eventId, String body) {
    }

    @Test
    void retriesRetryableFailuresAndNotOther4xx() throws Exception {
        List<Hit> hits = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            Hit hit = new Hit(path, exchange.getRequestHeaders().getFirst("webhook-attempt"),
                    exchange.getRequestHeaders().getFirst("webhook-id"), body);
            hits.add(hit);
            int status = path.equals("/flaky") ? ("1".equals(hit.attempt()) ? 503 : 204) : 400;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        List<String> webhookIds = List.of(register(base + "/flaky"), register(base + "/rejecting"));
        try {
            String id = JSON.readTree(post("/v1/telephone-encounters",
                    "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}")
                    .body()).path("telephone_encounter_id").asText();

            await().atMost(Duration.ofSeconds(30)).until(() -> flaky(hits, id).size() >= 2);
            // held for 3 s: long enough for any wrong extra attempt on either URL to show
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> flaky(hits, id).size() == 2 && rejecting(hits, id).size() == 1);
            List<Hit> flaky = flaky(hits, id);
            assertThat(flaky).extracting(Hit::attempt).containsExactly("1", "2");
            assertThat(flaky.get(1).eventId()).isEqualTo(flaky.get(0).eventId());
            assertThat(flaky.get(1).body()).isEqualTo(flaky.get(0).body());
            assertThat(rejecting(hits, id)).as("a 400 is not retried").hasSize(1);

            Map<String, Object> flakyDelivery = jdbc.queryForMap(
                    "select d.status, d.attempt_count from webhook_delivery d join webhook_event e on e.id = d.event_id "
                            + "where e.encounter_id = ? and d.url like '%/flaky'", id);
            assertThat(flakyDelivery.get("status")).isEqualTo("success");
            assertThat(((Number) flakyDelivery.get("attempt_count")).intValue()).isEqualTo(2);
            List<Integer> codes = jdbc.queryForList("select a.status_code from webhook_attempt a join webhook_delivery d on d.id = a.delivery_id "
                    + "join webhook_event e on e.id = d.event_id where e.encounter_id = ? and d.url like '%/flaky' order by a.attempt_no",
                    Integer.class, id);
            assertThat(codes).containsExactly(503, 204);
            String status = jdbc.queryForObject("select d.status from webhook_delivery d join webhook_event e on e.id = d.event_id "
                    + "where e.encounter_id = ? and d.url like '%/rejecting'", String.class, id);
            assertThat(status).isEqualTo("failed");

            JsonNode failed = JSON.readTree(get("/v1/webhook-events?delivery_status=failed&page_size=100").body());
            assertThat(failed.path("webhook_events").findValuesAsText("webhook_url")).contains(base + "/rejecting");
        } finally {
            for (String webhookId : webhookIds) {
                send(java.net.http.HttpRequest.newBuilder(uri("/v1/webhook/" + webhookId)).header("client_id", CLIENT_ID)
                        .header("client_secret", CLIENT_SECRET).header("access_token", ACCESS_TOKEN).DELETE());
            }
            server.stop(0);
        }
    }

    @Test
    void duplicateQueueMessagesForOneDeliveryNeverPostItTwiceOrConcurrently() throws Exception {
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();
        List<Hit> hits = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        ScheduledExecutorService answers = Executors.newSingleThreadScheduledExecutor();
        server.createContext("/slow", exchange -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            hits.add(new Hit("/slow", exchange.getRequestHeaders().getFirst("webhook-attempt"),
                    exchange.getRequestHeaders().getFirst("webhook-id"), body));
            // a slow receiver: the answer goes out 1.5 s after the request came in, the attempt in flight meanwhile
            answers.schedule(() -> {
                inFlight.decrementAndGet();
                try {
                    exchange.sendResponseHeaders(204, -1);
                } catch (java.io.IOException gone) {
                    // the engine gave up on the attempt; the hit is recorded all the same
                }
                exchange.close();
            }, 1500, TimeUnit.MILLISECONDS);
        });
        server.start();
        String webhookId = register("http://127.0.0.1:" + server.getAddress().getPort() + "/slow");
        try {
            String id = JSON.readTree(post("/v1/telephone-encounters",
                    "{\"patient_mrn\":\"100236\",\"provider_id\":\"12242\",\"location_id\":\"32\",\"assigned_to_id\":\"12220\"}")
                    .body()).path("telephone_encounter_id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> hits.stream().anyMatch(h -> h.body().contains(id)));
            // the first attempt is in flight at the receiver: queue the same delivery twice more
            String deliveryId = jdbc.queryForObject("select d.id from webhook_delivery d join webhook_event e on e.id = d.event_id "
                    + "where e.encounter_id = ? and d.url like '%/slow'", String.class, id);
            camel.sendBody("activemq:queue:webhooks.deliver", Json.object("delivery_id", deliveryId));
            camel.sendBody("activemq:queue:webhooks.deliver", Json.object("delivery_id", deliveryId));
            await().atMost(Duration.ofSeconds(30)).until(() -> "success".equals(
                    jdbc.queryForObject("select status from webhook_delivery where id = ?", String.class, deliveryId)));
            // held for 3 s after the attempt ended: the duplicates find the claim, come back after it and find the
            // delivery done; a second POST would show in this window
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> hits.stream().filter(h -> h.body().contains(id)).count() == 1);

            assertThat(hits.stream().filter(h -> h.body().contains(id)).toList()).as("one POST in all").hasSize(1);
            assertThat(maxInFlight.get()).isEqualTo(1);
            Map<String, Object> delivery = jdbc.queryForMap(
                    "select status, attempt_count, claimed_until from webhook_delivery where id = ?", deliveryId);
            assertThat(delivery.get("status")).isEqualTo("success");
            assertThat(((Number) delivery.get("attempt_count")).intValue()).isEqualTo(1);
            assertThat(delivery.get("claimed_until")).as("the claim ends with the attempt").isNull();
        } finally {
            send(java.net.http.HttpRequest.newBuilder(uri("/v1/webhook/" + webhookId)).header("client_id", CLIENT_ID)
                    .header("client_secret", CLIENT_SECRET).header("access_token", ACCESS_TOKEN).DELETE());
            server.stop(0);
            answers.shutdownNow();
        }
    }

    private String register(String url) throws Exception {
        return JSON.readTree(post("/v1/webhook", Json.object("webhook_url", url)).body()).path("webhook_id").asText();
    }

    private static List<Hit> rejecting(List<Hit> hits, String id) {
        return hits.stream().filter(h -> h.path().equals("/rejecting") && h.body().contains(id)).toList();
    }

    private static List<Hit> flaky(List<Hit> hits, String id) {
        return hits.stream().filter(h -> h.path().equals("/flaky") && h.body().contains(id)).toList();
    }
}
