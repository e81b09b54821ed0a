package org.telenc.engine.webhook;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One main-lane attempt per webhook URL at a time, in this engine instance: a URL that hangs can
 * hold one main-lane consumer, never all of them. A slot not left within {@code stale} (an attempt
 * that died without recording) is taken over.
 */
final class EndpointSlots {

    private final ConcurrentHashMap<String, Long> held = new ConcurrentHashMap<>();
    private final long staleNanos;
    private final LongSupplier nanoTime;

    EndpointSlots(Duration stale, LongSupplier nanoTime) {
        this.staleNanos = stale.toNanos();
        this.nanoTime = nanoTime;
    }

    boolean tryEnter(String endpointId) {
        long now = nanoTime.getAsLong();
        boolean[] entered = {false};
        held.compute(endpointId, (id, since) -> {
            if (since == null || now - since > staleNanos) {
                entered[0] = true;
                return now;
            }
            return since;
        });
        return entered[0];
    }

    void leave(String endpointId) {
        held.remove(endpointId);
    }
}
