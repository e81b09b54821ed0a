package org.telenc.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;
import org.telenc.engine.support.WebhookReceiver;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * docs/api.md "Delivery and retries": one dead receiver never delays other clients' deliveries. A receiver that
 * accepts connections and never answers (each attempt waits out the 15 s timeout) gets several
 * events; another client's event is delivered while the dead one's first attempt is still hanging.
 * The attempts' timeout is 45 s here, not 15 s: on a busy machine the other client's delivery may
 * take longer than 15 s, and the dead receiver's first attempts must still hang when it arrives,
 * or the test would see nothing to compare. The same client's healthy URL is served once those
 * attempts end (the retry lane's consumers may be holding the dead URL's diverted deliveries).
 */
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
class WebhookIsolationTest extends EngineTest {

    @org.springframework.test.context.DynamicPropertySource
    static void hangingAttempts(org.springframework.test.context.DynamicPropertyRegistry registry) {
        ownEngine(registry, "webhook-isolation");
        registry.add("engine.webhook.timeout-ms", () -> "45000");
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.telenc.engine.config.EngineProperties properties;


    static final String BODY = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TenancyRepository tenancy;

    @Test
    void aHangingReceiverHoldsAtMostItsMainLaneSlotsAndOtherClientsAreServed() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(blackHole.accept()); // read nothing, answer nothing
                }
            } catch (Exception closed) {
                // test over
            }
        });
        acceptor.start();
        String deadUrl = "http://127.0.0.1:" + blackHole.getLocalPort() + "/hooks";
        String deadId = JSON.readTree(post("/v1/webhook", Json.object("webhook_url", deadUrl)).body()).path("webhook_id").asText();

        // another client, on the same clinic, with a healthy receiver
        String client = "isolation-" + UUID.randomUUID();
        String token = "token-" + UUID.randomUUID();
        var demoToken = tenancy.findToken(Secrets.sha256Hex(ACCESS_TOKEN)).orElseThrow();
        String clientPk = Secrets.newId();
        tenancy.insertClient(clientPk, client, Secrets.sha256Hex("other-secret"), "Other client");
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex(token), clientPk, demoToken.connectionId(), "12222", "other-clinic");
        try (WebhookReceiver other = new WebhookReceiver()) {
            assertThat(asOther(client, token, "/v1/webhook", Json.object("webhook_url", other.url())).statusCode()).isEqualTo(200);

            List<String> demoIds = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                demoIds.add(JSON.readTree(post("/v1/telephone-encounters", BODY).body()).path("telephone_encounter_id").asText());
            }
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(accepted).as("the dead receiver got a first attempt").isNotEmpty());

            String otherId = JSON.readTree(asOther(client, token, "/v1/telephone-encounters", BODY).body())
                    .path("telephone_encounter_id").asText();
            other.awaitOne(b -> b.contains(otherId), Duration.ofSeconds(30));
            int hanging = jdbc.queryForObject("select count(*) from webhook_delivery where url = ? and attempt_count = 0 "
                    + "and claimed_until is not null", Integer.class, deadUrl);
            // its main-lane slots, and the retry lane's consumers on the deliveries diverted to it
            int perUrl = properties.webhook().perUrlConcurrency();
            assertThat(perUrl).as("fewer slots per URL than main-lane consumers").isLessThan(4);
            assertThat(hanging).as("the other client was served while the dead receiver's first attempts still hung")
                    .isBetween(1, perUrl + 2);
            for (String id : demoIds) {
                receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(120)); // the same client's healthy URL too
            }
            assertThat(accepted.size()).as("main lane: per-url-concurrency attempts per URL at a time; the rest wait in the retry lane")
                    .isLessThanOrEqualTo(perUrl + 2);
        } finally {
            send(HttpRequest.newBuilder(uri("/v1/webhook/" + deadId)).header("client_id", CLIENT_ID)
                    .header("client_secret", CLIENT_SECRET).header("access_token", ACCESS_TOKEN).DELETE());
            blackHole.close();
            for (Socket socket : accepted) {
                socket.close(); // hanging attempts end now instead of after their timeout
            }
        }
    }

    HttpResponse<String> asOther(String client, String token, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").header("client_id", client)
                .header("client_secret", "other-secret").header("access_token", token)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
