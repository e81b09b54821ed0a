package org.telenc.engine.support;

import static org.awaitility.Awaitility.await;

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

    /**
     * Waits for the one delivery whose body matches, failing after the timeout, then holds for 300 ms that it
     * stays the only one (a second delivery of the same event would show up in that window).
     */
    public Received awaitOne(Predicate<String> bodyMatches, Duration timeout) {
        await("a webhook delivery").atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> !matching(bodyMatches).isEmpty());
        await("exactly one webhook delivery").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> matching(bodyMatches).size() == 1);
        return matching(bodyMatches).get(0);
    }

    private List<Received> matching(Predicate<String> bodyMatches) {
        return received.stream().filter(r -> bodyMatches.test(r.bodyText())).toList();
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
