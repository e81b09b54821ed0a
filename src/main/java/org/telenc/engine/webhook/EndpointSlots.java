package org.telenc.engine.webhook;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * At most {@code perUrl} main-lane attempts per webhook URL at a time, in this engine instance: a
 * URL that hangs holds that many main-lane consumers, never all of them. A caller finding its URL
 * full waits up to {@code wait} for a slot (another attempt to a healthy receiver ends within
 * milliseconds) before giving up; a slot not left within {@code stale} (an attempt that died
 * without recording) is taken over.
 */
final class EndpointSlots {

    private final Map<String, ArrayDeque<Long>> held = new HashMap<>(); // guarded by this
    private final int perUrl;
    private final long staleNanos;
    private final LongSupplier nanoTime;

    EndpointSlots(int perUrl, Duration stale, LongSupplier nanoTime) {
        if (perUrl < 1) {
            throw new IllegalArgumentException("perUrl must be at least 1");
        }
        this.perUrl = perUrl;
        this.staleNanos = stale.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Takes a slot of this URL, waiting at most {@code wait} for one; false if none came free. */
    synchronized boolean tryEnter(String endpointId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            ArrayDeque<Long> slots = held.computeIfAbsent(endpointId, id -> new ArrayDeque<>());
            long now = nanoTime.getAsLong();
            slots.removeIf(since -> now - since > staleNanos);
            if (slots.size() < perUrl) {
                slots.addLast(now);
                return true;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            wait(Math.max(1, remaining / 1_000_000));
        }
    }

    synchronized void leave(String endpointId) {
        ArrayDeque<Long> slots = held.get(endpointId);
        if (slots != null) {
            slots.pollFirst();
            if (slots.isEmpty()) {
                held.remove(endpointId);
            }
        }
        notifyAll();
    }
}
