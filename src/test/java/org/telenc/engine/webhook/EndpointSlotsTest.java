package org.telenc.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EndpointSlotsTest {

    private final AtomicLong clock = new AtomicLong();
    private final EndpointSlots slots = new EndpointSlots(2, Duration.ofSeconds(60), clock::get);

    @Test
    void aUrlTakesAsManyAttemptsAsItHasSlotsAndOtherUrlsAreNotHeldUp() throws Exception {
        assertThat(slots.tryEnter("a", Duration.ZERO)).isTrue();
        assertThat(slots.tryEnter("a", Duration.ZERO)).isTrue();
        assertThat(slots.tryEnter("a", Duration.ofMillis(20))).as("third attempt to a full URL").isFalse();
        assertThat(slots.tryEnter("b", Duration.ZERO)).as("another URL").isTrue();
        slots.leave("a");
        assertThat(slots.tryEnter("a", Duration.ZERO)).isTrue();
    }

    @Test
    void aWaitingAttemptTakesTheSlotAsSoonAsItIsLeft() throws Exception {
        slots.tryEnter("a", Duration.ZERO);
        slots.tryEnter("a", Duration.ZERO);
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            waiter.set(Thread.currentThread());
            try {
                return slots.tryEnter("a", Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // the attempt is parked in tryEnter, waiting for a slot
        await().until(() -> waiter.get() != null && waiter.get().getState() == Thread.State.TIMED_WAITING);
        assertThat(waiting).isNotDone();
        slots.leave("a");
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(slots.tryEnter("a", Duration.ZERO)).as("both slots held again").isFalse();
    }

    @Test
    void aSlotNeverLeftIsTakenOverOnceStale() throws Exception {
        slots.tryEnter("a", Duration.ZERO);
        slots.tryEnter("a", Duration.ZERO);
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(slots.tryEnter("a", Duration.ZERO)).isTrue();
        assertThat(slots.tryEnter("a", Duration.ZERO)).isTrue();
        assertThat(slots.tryEnter("a", Duration.ZERO)).isFalse();
    }
}
