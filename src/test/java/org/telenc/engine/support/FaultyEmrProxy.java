package org.telenc.engine.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real HTTP server standing in front of a FHIR server (the sandbox): it forwards every call, or,
 * while {@link #outage(boolean)} is on, answers 503 itself. Counts what it forwarded and refused.
 */
public final class FaultyEmrProxy implements AutoCloseable {

    private static final Set<String> FORWARDED_REQUEST_HEADERS = Set.of("content-type", "accept", "if-none-exist",
            "prefer", "authorization", "if-match", "cache-control");
    private static final List<String> FORWARDED_RESPONSE_HEADERS = List.of("Content-Type", "Location", "ETag");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final String target;
    private volatile Predicate<String> outage = request -> false;
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final AtomicInteger refuseNext = new AtomicInteger();
    private volatile int refusalStatus = 503;
    private volatile String refusalIssue = "transient";
    private final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Predicate<String> authorization = header -> true;
    private final List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Predicate<String> interceptNext = request -> false;
    private volatile Runnable interception = () -> {};

    /** @param target the FHIR base URL to forward to, without a trailing slash */
    public FaultyEmrProxy(String target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fhir", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    /** The FHIR base URL the engine should use. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    }

    /** Every call answers 503 while on. */
    public void outage(boolean on) {
        outage = request -> on;
    }

    /** Calls whose "METHOD /path?query" matches answer 503; the others are forwarded. */
    public void outageFor(Predicate<String> requests) {
        outage = requests;
    }

    /** The next {@code calls} calls answer 503, whatever they are; then calls are forwarded again. */
    public void refuseNext(int calls) {
        refuseNext(calls, 503);
    }

    /** The next {@code calls} calls answer {@code status} (503, 429, ...). */
    public void refuseNext(int calls, int status) {
        refusalStatus = status;
        refuseNext.set(calls);
    }

    /** Calls whose "METHOD /path?query" matches answer {@code status} with an OperationOutcome of that issue code. */
    public void refuse(Predicate<String> requests, int status, String issueCode) {
        refusalStatus = status;
        refusalIssue = issueCode;
        outage = requests;
    }

    /** Calls whose Authorization header (null when absent) fails the check answer 401, as a FHIR server would. */
    public void requireAuthorization(Predicate<String> check) {
        authorization = check;
    }

    /** The Authorization header of every call so far ("" when absent). */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /**
     * Before forwarding the next call whose "METHOD /path?query" matches, runs {@code action} (once),
     * e.g. another client changing the resource the call is about to write.
     */
    public void beforeNext(Predicate<String> requests, Runnable action) {
        interception = action;
        interceptNext = requests;
    }

    /** Every call so far, in order: "503 METHOD /path?query" or "FWD METHOD /path?query". */
    public List<String> log() {
        return List.copyOf(log);
    }

    public int refused() {
        return refused.get();
    }

    public int forwarded() {
        return forwarded.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String line = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            String presented = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(presented == null ? "" : presented);
            if (!authorization.test(presented)) {
                log.add("401 " + line);
                byte[] answer = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"login\"}]}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
                exchange.sendResponseHeaders(401, answer.length);
                exchange.getResponseBody().write(answer);
                return;
            }
            boolean refuse = outage.test(line) || refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            log.add((refuse ? refusalStatus + " " : "FWD ") + line);
            if (refuse) {
                refused.incrementAndGet();
                byte[] answer = """
                        {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":%s}]}"""
                        .formatted(Json.text(refusalIssue)).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
                exchange.sendResponseHeaders(refusalStatus, answer.length);
                exchange.getResponseBody().write(answer);
                return;
            }
            if (interceptNext.test(line)) {
                interceptNext = request -> false;
                interception.run();
            }
            String path = exchange.getRequestURI().getRawPath().substring("/fhir".length());
            String query = exchange.getRequestURI().getRawQuery();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + path + (query == null ? "" : "?" + query)))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (FORWARDED_REQUEST_HEADERS.contains(name.toLowerCase())) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            forwarded.incrementAndGet();
            for (String name : FORWARDED_RESPONSE_HEADERS) {
                response.headers().firstValue(name).ifPresent(v -> exchange.getResponseHeaders().add(name, v));
            }
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
