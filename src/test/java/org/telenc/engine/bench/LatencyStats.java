package org.telenc.engine.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Percentiles of a set of latencies, exact (every sample is kept and sorted; a quick run has at
 * most a few hundred thousand). Percentile p is the smallest sample that at least p % of the
 * samples do not exceed (nearest rank), so p99 of 100 samples is the 99th smallest.
 */
record LatencyStats(long count, double p50Ms, double p75Ms, double p90Ms, double p95Ms, double p99Ms, double maxMs,
        double meanMs) {

    static final LatencyStats EMPTY = new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN);

    static LatencyStats ofNanos(long[] nanos) {
        if (nanos.length == 0) {
            return EMPTY;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (long n : sorted) {
            sum += n;
        }
        return new LatencyStats(sorted.length, ms(rank(sorted, 50)), ms(rank(sorted, 75)), ms(rank(sorted, 90)),
                ms(rank(sorted, 95)), ms(rank(sorted, 99)), ms(sorted[sorted.length - 1]), sum / sorted.length / 1e6);
    }

    /** Nearest-rank percentile of sorted samples. */
    static long rank(long[] sorted, double percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /**
     * How many samples fall in each bucket whose upper bounds (ms, exclusive) are given; one more
     * bucket at the end holds the rest.
     */
    static long[] histogram(long[] nanos, double... upperBoundsMs) {
        long[] counts = new long[upperBoundsMs.length + 1];
        for (long n : nanos) {
            double ms = n / 1e6;
            int bucket = 0;
            while (bucket < upperBoundsMs.length && ms >= upperBoundsMs[bucket]) {
                bucket++;
            }
            counts[bucket]++;
        }
        return counts;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** A latency in ms for a table: one decimal below 100 ms, none above. */
    static String fmt(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        return ms < 100 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%.0f", ms);
    }
}
