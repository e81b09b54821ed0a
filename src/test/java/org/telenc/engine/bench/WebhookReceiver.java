package org.telenc.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client's webhook receiver, in the load driver's process: a JDK HTTP server on a free loopback
 * port that notes when each event arrives (before parsing it), matches it to its request by
 * {@code data.telephone_encounter_id} and answers 204 at once. An event that arrives again (a
 * retried delivery) counts as a duplicate and does not move the first arrival time.
 */
final class WebhookReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** When and what arrived for one encounter. */
    record Arrival(long nanoTime, String type) {
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "webhook-receiver");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, CompletableFuture<Arrival>> byEncounter = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(handlers);
        server.createContext("/hooks", this::receive);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    /** The arrival of that encounter's event (already complete if it came first). */
    CompletableFuture<Arrival> expect(String telephoneEncounterId) {
        return byEncounter.computeIfAbsent(telephoneEncounterId, k -> new CompletableFuture<>());
    }

    long deliveries() {
        return deliveries.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long now = System.nanoTime();
            if ("POST".equals(exchange.getRequestMethod())) {
                deliveries.incrementAndGet();
                JsonNode event = JSON.readTree(body);
                String id = event.path("data").path("telephone_encounter_id").asText(null);
                if (id != null && !expect(id).complete(new Arrival(now, event.path("type").asText("?")))) {
                    duplicates.incrementAndGet();
                }
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
