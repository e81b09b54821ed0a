package org.telenc.engine.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The benchmark's own arithmetic: percentiles, histogram, the closed loop's window and the options. */
class LatencyStatsTest {

    @Test
    void nearestRankPercentiles() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (100 - i) * 1_000_000L; // 100 ms .. 1 ms, unsorted
        }
        LatencyStats stats = LatencyStats.ofNanos(nanos);
        assertThat(stats.count()).isEqualTo(100);
        assertThat(stats.p50Ms()).isEqualTo(50.0);
        assertThat(stats.p90Ms()).isEqualTo(90.0);
        assertThat(stats.p99Ms()).isEqualTo(99.0);
        assertThat(stats.maxMs()).isEqualTo(100.0);
        assertThat(stats.meanMs()).isEqualTo(50.5);
        assertThat(LatencyStats.ofNanos(new long[0]).p50Ms()).isNaN();
        assertThat(LatencyStats.fmt(3.14159)).isEqualTo("3.1");
        assertThat(LatencyStats.fmt(123.6)).isEqualTo("124");
    }

    @Test
    void histogramBuckets() {
        long[] nanos = {10_000_000L, 49_000_000L, 50_000_000L, 120_000_000L, 5_000_000_000L};
        assertThat(LatencyStats.histogram(nanos, 50, 100, 150)).containsExactly(2, 1, 1, 1);
    }

    @Test
    void closedLoopCountsOnlyTheMeasuredWindow() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        // a call that takes 10 ms: its answer is scheduled 10 ms after the call
        ClosedLoop.Result result = ClosedLoop.run(2, Duration.ofMillis(300), Duration.ofSeconds(1), worker -> () ->
                CompletableFuture.supplyAsync(() -> calls.incrementAndGet() % 10 == 0 ? "HTTP 503" : null,
                        CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS)).get(), new ClosedLoop.Window() {
            @Override
            public void started() {
            }

            @Override
            public void ended() {
            }
        });
        assertThat(result.concurrency()).isEqualTo(2);
        assertThat(result.ok()).isBetween(60L, 200L); // 2 workers x ~90/s x 1 s, minus errors, on a busy machine
        assertThat(result.ok() + result.errorCount()).isLessThan(calls.get()); // the warm-up's calls are not counted
        assertThat(result.errors()).containsOnlyKeys("HTTP 503");
        assertThat(result.latency().p50Ms()).isGreaterThanOrEqualTo(10.0);
        assertThat(result.perSecond()).hasSize(1);
    }

    @Test
    void optionsQuickByDefault() {
        BenchSettings quick = BenchSettings.parse(new String[0]);
        assertThat(quick.mode()).isEqualTo("quick");
        assertThat(quick.concurrencies()).containsExactly(1, 16, 64);
        assertThat(quick.consumers()).containsExactly(1, 4, 8, BenchSettings.DEFAULT_CONSUMERS);
        assertThat(quick.measure()).isEqualTo(Duration.ofSeconds(10));
        BenchSettings full = BenchSettings.parse(new String[] {"--full", "--consumers=4", "--engine-jvm-opts=-Xmx512m -Xss512k"});
        assertThat(full.measure()).isEqualTo(Duration.ofSeconds(60));
        assertThat(full.consumers()).containsExactly(4);
        assertThat(full.engineJvmOptions()).containsExactly("-Xmx512m", "-Xss512k");
    }
}
