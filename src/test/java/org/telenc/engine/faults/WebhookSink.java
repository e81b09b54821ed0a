package org.telenc.engine.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.time.Duration;
import java.util.Objects;
import org.awaitility.Awaitility;

/**
 * The client's webhook receiver, outside the engine: a JDK HTTP server on a fixed loopback port
 * that records every POST to {@code /hooks} and answers 204. It can be taken {@link #down()} (the
 * server is stopped, so the engine's connections are refused, the most common real outage) and
 * brought {@link #up()} again on the same port, because the engine keeps the URL it was given.
 */
final class WebhookSink implements AutoCloseable {

    private static final long REBIND_PATIENCE_MS = 10_000;

    private final int port;
    private final List<ReceivedEvent> received = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private ExecutorService handlers;

    WebhookSink(int port) {
        this.port = port;
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hooks";
    }

    /** Starts listening on the fixed port; retries the bind briefly in case the old socket lingers. */
    synchronized void up() {
        if (server != null) {
            return;
        }
        server = Awaitility.await("the webhook port free again").atMost(Duration.ofMillis(REBIND_PATIENCE_MS))
                .pollInterval(Duration.ofMillis(100)).until(this::bindOrNull, Objects::nonNull);
        handlers = Executors.newFixedThreadPool(4);
        server.setExecutor(handlers);
        server.createContext("/hooks", this::record);
        server.start();
    }

    /** A server bound to the port, or null while the old socket still holds it. */
    private HttpServer bindOrNull() throws IOException {
        try {
            return HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        } catch (BindException lingering) {
            return null;
        }
    }

    /** Whether the receiver is down (not listening). */
    synchronized boolean isDown() {
        return server == null;
    }

    /** Stops listening: from now on the engine's deliveries fail with "connection refused". */
    synchronized void down() {
        if (server == null) {
            return;
        }
        server.stop(0);
        handlers.shutdownNow();
        server = null;
        handlers = null;
    }

    /** Everything received so far, in arrival order. */
    List<ReceivedEvent> received() {
        return List.copyOf(received);
    }

    void clear() {
        received.clear();
    }

    private void record(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if ("POST".equals(exchange.getRequestMethod())) {
                received.add(ReceivedEvent.parse(exchange.getRequestHeaders().getFirst("webhook-id"),
                        exchange.getRequestHeaders().getFirst("webhook-attempt"), body));
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    @Override
    public void close() {
        down();
    }
}
