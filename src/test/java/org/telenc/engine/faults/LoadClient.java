package org.telenc.engine.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Executor;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The client side of the suite: sends {@link EncounterRequest}s concurrently, the way a vendor's
 * integration does, and behaves like a well-written client after a failure: a request that was not
 * acknowledged is sent again once, with the same Idempotency-Key and body (so a request the engine
 * did accept is answered with its first ids, not accepted twice), and a {@code 409
 * idempotency_key_in_use} is retried a few times after its {@code Retry-After}.
 */
final class LoadClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IN_USE_RETRIES = 5;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final URI endpoint;
    private final Duration pace;
    private final ExecutorService senders;
    private volatile HttpClient http = newHttpClient();

    LoadClient(URI endpoint, int threads, Duration pace) {
        this.endpoint = endpoint;
        this.pace = pace;
        this.senders = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "fault-load");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Requests in flight, started at the client's pace; {@link LoadRun} tells how far they got. */
    LoadRun start(List<EncounterRequest> requests) {
        return start(requests, pace);
    }

    /** Requests in flight, started {@code pace} apart; {@link LoadRun} tells how far they got. */
    LoadRun start(List<EncounterRequest> requests, Duration pace) {
        AtomicInteger acknowledged = new AtomicInteger();
        CompletableFuture<?>[] sends = new CompletableFuture<?>[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            EncounterRequest request = requests.get(i);
            // each request is due i paces after the first: the pace is a schedule, not a wait
            Executor due = CompletableFuture.delayedExecutor(i * pace.toNanos(), TimeUnit.NANOSECONDS, senders);
            sends[i] = CompletableFuture.supplyAsync(() -> send(request, false), due).thenCompose(sent -> sent)
                    .thenAccept(ok -> {
                        if (ok) {
                            acknowledged.incrementAndGet();
                        }
                    });
        }
        return new LoadRun(CompletableFuture.allOf(sends), acknowledged);
    }

    /** Sends all and waits for every answer (or failure). */
    void sendAll(List<EncounterRequest> requests) throws InterruptedException {
        start(requests).awaitDone(Duration.ofMinutes(5));
    }

    /**
     * What a real client does after an outage: every request not acknowledged yet is sent once more,
     * same key, same body. Fresh connections: the old ones died with the engine.
     */
    void resendUnacknowledged(List<EncounterRequest> requests) throws InterruptedException {
        http = newHttpClient();
        List<CompletableFuture<Boolean>> resends = requests.stream().filter(r -> !r.acknowledged())
                .map(r -> CompletableFuture.supplyAsync(() -> send(r, true), senders).thenCompose(sent -> sent)).toList();
        new LoadRun(CompletableFuture.allOf(resends.toArray(CompletableFuture[]::new)), new AtomicInteger())
                .awaitDone(Duration.ofMinutes(5));
    }

    /** One request, with the 409 retries; completes true when it was acknowledged now. */
    private CompletableFuture<Boolean> send(EncounterRequest request, boolean resend) {
        request.markSent();
        return attempt(request, resend, 0);
    }

    private CompletableFuture<Boolean> attempt(EncounterRequest request, boolean resend, int attempt) {
        long retryAfterSeconds;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint)
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("client_id", EngineProcess.CLIENT_ID)
                    .header("client_secret", EngineProcess.CLIENT_SECRET)
                    .header("access_token", EngineProcess.ACCESS_TOKEN)
                    .header("Idempotency-Key", request.idempotencyKey())
                    .POST(HttpRequest.BodyPublishers.ofString(request.body()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = parse(response.body());
            if (response.statusCode() == 200 && answer.hasNonNull("telephone_encounter_id")) {
                request.acknowledge(answer.get("telephone_encounter_id").asText(), resend);
                return CompletableFuture.completedFuture(true);
            }
            String error = answer.path("error").asText("");
            request.failed("HTTP " + response.statusCode() + (error.isEmpty() ? "" : " " + error));
            if (response.statusCode() != 409 || !"idempotency_key_in_use".equals(error) || attempt >= IN_USE_RETRIES) {
                return CompletableFuture.completedFuture(false);
            }
            retryAfterSeconds = Math.max(1, Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
        } catch (IOException e) {
            request.failed(e.getClass().getSimpleName());
            return CompletableFuture.completedFuture(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.failed("interrupted");
            return CompletableFuture.completedFuture(false);
        }
        // the engine said when to come back (Retry-After): the next attempt is scheduled for then
        Executor then = CompletableFuture.delayedExecutor(retryAfterSeconds, TimeUnit.SECONDS, senders);
        return CompletableFuture.supplyAsync(() -> attempt(request, resend, attempt + 1), then).thenCompose(next -> next);
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static HttpClient newHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }

    /** A batch of requests on its way. */
    static final class LoadRun {

        private final CompletableFuture<?> done;
        private final AtomicInteger acknowledged;

        LoadRun(CompletableFuture<?> done, AtomicInteger acknowledged) {
            this.done = done;
            this.acknowledged = acknowledged;
        }

        /** Waits until at least {@code count} were acknowledged; false if the batch ended or time ran out first. */
        boolean awaitAcknowledged(int count, Duration timeout) {
            if (acknowledged.get() >= count || done.isDone() || timeout.compareTo(Duration.ofMillis(2)) <= 0) {
                return acknowledged.get() >= count; // asked for now: Awaitility takes no timeout below its poll delay
            }
            try {
                Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(2))
                        .until(() -> acknowledged.get() >= count || done.isDone());
            } catch (ConditionTimeoutException late) {
                // answered below
            }
            return acknowledged.get() >= count;
        }

        void awaitDone(Duration timeout) throws InterruptedException {
            try {
                done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("requests did not finish within " + timeout, e);
            }
        }
    }
}
