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
    synchronized void up() throws IOException, InterruptedException {
        if (server != null) {
            return;
        }
        long deadline = System.currentTimeMillis() + REBIND_PATIENCE_MS;
        while (true) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
                break;
            } catch (BindException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        handlers = Executors.newFixedThreadPool(4);
        server.setExecutor(handlers);
        server.createContext("/hooks", this::record);
        server.start();
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
