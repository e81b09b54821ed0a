package org.telenc.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return slots.tryEnter("a", Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
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
