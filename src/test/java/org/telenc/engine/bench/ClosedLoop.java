package org.telenc.engine.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A closed-loop load: {@code concurrency} workers, each doing one operation after the other with no
 * pause, so exactly {@code concurrency} operations are in flight. A warm-up (JIT, connection pools,
 * caches) is run and thrown away, then the measurement window: what completes inside it counts, with
 * its latency (start to completion of that one operation) and the second of the window it completed in.
 */
final class ClosedLoop {

    private ClosedLoop() {}

    /** One operation: null when it succeeded, else a short label for the error table ("HTTP 503"). */
    @FunctionalInterface
    interface Operation {
        String call() throws Exception;
    }

    /** Makes each worker's operation (a worker may hold its own session, connection...). */
    @FunctionalInterface
    interface OperationFactory {
        Operation create(int worker) throws Exception;
    }

    /** Called at the start and at the end of the measurement window (CPU snapshots). */
    interface Window {
        void started();

        void ended();
    }

    record Result(int concurrency, double seconds, long ok, Map<String, Long> errors, long[] latencyNanos,
            long[] perSecond) {

        double rate() {
            return ok / seconds;
        }

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        LatencyStats latency() {
            return LatencyStats.ofNanos(latencyNanos);
        }

        /** The slowest and fastest whole second of the window: how steady the rate was. */
        long[] perSecondMinMax() {
            long min = Long.MAX_VALUE;
            long max = 0;
            for (long n : perSecond) {
                min = Math.min(min, n);
                max = Math.max(max, n);
            }
            return perSecond.length == 0 ? new long[] {0, 0} : new long[] {min, max};
        }
    }

    static Result run(int concurrency, Duration warmup, Duration measure, OperationFactory factory, Window window)
            throws Exception {
        int seconds = (int) Math.max(1, measure.toSeconds());
        AtomicLongArray perSecond = new AtomicLongArray(seconds);
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        List<long[]> latencies = new ArrayList<>();
        List<Operation> operations = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            operations.add(factory.create(i));
        }
        CountDownLatch go = new CountDownLatch(1);
        long begin = System.nanoTime() + 50_000_000L; // every worker is waiting by then
        long measureStart = begin + warmup.toNanos();
        long measureEnd = measureStart + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        List<LongList> perWorker = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Operation op = operations.get(i);
            LongList mine = new LongList();
            perWorker.add(mine);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (System.nanoTime() < measureEnd && !Thread.currentThread().isInterrupted()) {
                    long t0 = System.nanoTime();
                    String error;
                    try {
                        error = op.call();
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        error = e.getClass().getSimpleName();
                    }
                    long t1 = System.nanoTime();
                    if (t1 >= measureStart && t1 < measureEnd) {
                        if (error == null) {
                            mine.add(t1 - t0);
                            perSecond.incrementAndGet((int) ((t1 - measureStart) / 1_000_000_000L));
                        } else {
                            errors.computeIfAbsent(error, k -> new LongAdder()).increment();
                        }
                    }
                }
            }, "load-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        dueAt(begin);
        go.countDown();
        dueAt(measureStart);
        window.started();
        dueAt(measureEnd);
        window.ended();
        for (Thread t : workers) {
            t.join(60_000);
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        perWorker.forEach(l -> latencies.add(l.toArray()));
        long[] all = latencies.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        long[] secs = new long[seconds];
        for (int i = 0; i < seconds; i++) {
            secs[i] = perSecond.get(i);
        }
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
        return new Result(concurrency, seconds, all.length, errorCounts, all, secs);
    }

    /**
     * Returns at {@code nanoTime} (System.nanoTime), the due time of a phase of the run: the bench runs on a
     * schedule, so the wait is a scheduled completion at that time, not a wait for the engine.
     */
    static void dueAt(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait <= 0) {
            return;
        }
        try {
            CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A growable long[] (no boxing on the hot path). */
    static final class LongList {
        private long[] values = new long[1024];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }

        int size() {
            return size;
        }
    }
}
