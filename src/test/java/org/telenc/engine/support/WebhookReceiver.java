package org.telenc.engine.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** A real HTTP webhook receiver for tests: records every POST with its headers and raw body. */
public final class WebhookReceiver implements AutoCloseable {

    public record Received(Map<String, String> headers, byte[] body) {
        public String bodyText() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = exchange.getRequestHeaders().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toLowerCase(), e -> e.getValue().get(0), (a, b) -> a));
            received.add(new Received(headers, body));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    /** Waits for the one delivery whose body matches, failing after the timeout. */
    public Received awaitOne(Predicate<String> bodyMatches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Received> matches = received.stream().filter(r -> bodyMatches.test(r.bodyText())).toList();
            if (!matches.isEmpty()) {
                Thread.sleep(300); // a second delivery of the same event would show up now
                List<Received> all = received.stream().filter(r -> bodyMatches.test(r.bodyText())).toList();
                if (all.size() != 1) {
                    throw new AssertionError("expected exactly one delivery, got " + all.size());
                }
                return all.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no webhook delivery arrived within " + timeout);
    }

    /** Everything received so far. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
