package org.telenc.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * End to end, closed loop: {@code inFlight} virtual clients, each POSTs a request and waits for the
 * webhook of that very request before it sends the next, so exactly {@code inFlight} encounters are
 * between POST and webhook at any time (no unbounded backlog in the queue, the latency is the
 * system's, not a queue's that the benchmark itself filled). An encounter counts when its webhook
 * arrives inside the measurement window; its latency is POST sent to webhook received.
 */
final class EndToEndLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WEBHOOK_PATIENCE = Duration.ofSeconds(120);
    /** After an error a worker's next request is due this much later: an engine that refuses is not hammered. */
    private static final long ERROR_PAUSE_NANOS = 20_000_000L;

    private EndToEndLoad() {}

    /**
     * @param answeredAtMillis for each encounter completed in the window: the wall-clock ms its POST was
     *     answered (to line up with the engine log, see {@link EngineLogStages})
     * @param timesById for each encounter completed in the window: {POST sent to 200 answered, POST sent to
     *     webhook received}, ns
     */
    record Result(int inFlight, double seconds, long completed, long[] endToEndNanos, long[] postNanos, long[] perSecond,
            Map<String, Long> outcomes, Map<String, Long> errors, long lost, Map<String, Long> answeredAtMillis,
            Map<String, long[]> timesById) {

        double rate() {
            return completed / seconds;
        }

        long[] perSecondMinMax() {
            long min = Long.MAX_VALUE;
            long max = 0;
            for (long n : perSecond) {
                min = Math.min(min, n);
                max = Math.max(max, n);
            }
            return perSecond.length == 0 ? new long[] {0, 0} : new long[] {min, max};
        }

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static Result run(URI endpoint, WebhookReceiver receiver, int inFlight, Duration warmup, Duration measure,
            ClosedLoop.Window window) throws Exception {
        return run(endpoint, receiver, inFlight, warmup, measure, window, new BenchRequests()::next);
    }

    /** @param bodies the request bodies, one per POST (called from every virtual client's thread) */
    static Result run(URI endpoint, WebhookReceiver receiver, int inFlight, Duration warmup, Duration measure,
            ClosedLoop.Window window, Supplier<String> bodies) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        int seconds = (int) Math.max(1, measure.toSeconds());
        AtomicLongArray perSecond = new AtomicLongArray(seconds);
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        AtomicLong lost = new AtomicLong();
        Map<String, Long> answeredAt = new ConcurrentHashMap<>();
        Map<String, long[]> timesById = new ConcurrentHashMap<>();
        List<ClosedLoop.LongList> e2e = new ArrayList<>();
        List<ClosedLoop.LongList> post = new ArrayList<>();
        long begin = System.nanoTime() + 50_000_000L;
        long measureStart = begin + warmup.toNanos();
        long measureEnd = measureStart + seconds * 1_000_000_000L;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            ClosedLoop.LongList myE2e = new ClosedLoop.LongList();
            ClosedLoop.LongList myPost = new ClosedLoop.LongList();
            e2e.add(myE2e);
            post.add(myPost);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    while (System.nanoTime() < measureEnd) {
                        long t0 = System.nanoTime();
                        String id;
                        try {
                            HttpResponse<String> response = http.send(BenchEngine.authenticated(endpoint)
                                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(bodies.get())).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() != 200) {
                                count(errors, "HTTP " + response.statusCode(), t0, measureStart, measureEnd);
                                ClosedLoop.dueAt(System.nanoTime() + ERROR_PAUSE_NANOS); // the next request is due a pause later
                                continue;
                            }
                            id = JSON.readTree(response.body()).path("telephone_encounter_id").asText();
                        } catch (java.io.IOException e) {
                            count(errors, e.getClass().getSimpleName(), t0, measureStart, measureEnd);
                            ClosedLoop.dueAt(System.nanoTime() + ERROR_PAUSE_NANOS);
                            continue;
                        }
                        long posted = System.nanoTime();
                        long answeredWall = System.currentTimeMillis();
                        if (posted >= measureStart && posted < measureEnd) {
                            myPost.add(posted - t0);
                        }
                        WebhookReceiver.Arrival arrival;
                        try {
                            arrival = receiver.expect(id).get(WEBHOOK_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                        } catch (TimeoutException e) {
                            lost.incrementAndGet();
                            continue;
                        }
                        long t1 = arrival.nanoTime();
                        if (t1 >= measureStart && t1 < measureEnd) {
                            myE2e.add(t1 - t0);
                            perSecond.incrementAndGet((int) ((t1 - measureStart) / 1_000_000_000L));
                            outcomes.computeIfAbsent(arrival.type(), k -> new LongAdder()).increment();
                            answeredAt.put(id, answeredWall);
                            timesById.put(id, new long[] {posted - t0, t1 - t0});
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
                }
            }, "e2e-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        ClosedLoop.dueAt(begin);
        go.countDown();
        ClosedLoop.dueAt(measureStart);
        window.started();
        ClosedLoop.dueAt(measureEnd);
        window.ended();
        // the requests still in flight finish (their webhooks arrive) before the engine is measured or stopped
        for (Thread t : workers) {
            t.join(WEBHOOK_PATIENCE.toMillis());
        }
        long[] e2eAll = e2e.stream().flatMapToLong(l -> java.util.Arrays.stream(l.toArray())).toArray();
        long[] postAll = post.stream().flatMapToLong(l -> java.util.Arrays.stream(l.toArray())).toArray();
        long[] secs = new long[seconds];
        for (int i = 0; i < seconds; i++) {
            secs[i] = perSecond.get(i);
        }
        Map<String, Long> outcomeCounts = new TreeMap<>();
        outcomes.forEach((k, v) -> outcomeCounts.put(k, v.sum()));
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
        return new Result(inFlight, seconds, e2eAll.length, e2eAll, postAll, secs, outcomeCounts, errorCounts, lost.get(),
                Map.copyOf(answeredAt), Map.copyOf(timesById));
    }

    private static void count(Map<String, LongAdder> errors, String label, long t0, long start, long end) {
        if (t0 >= start && t0 < end) {
            errors.computeIfAbsent(label, k -> new LongAdder()).increment();
        }
    }
}
