package org.telenc.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The failure budgets on their own, on a clock the test moves: a pair's and a source's budget,
 * refill, that success is free, that another source is never locked out, and that memory stays
 * bounded while addresses and client ids are sprayed.
 */
class LoginThrottleTest {

    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-12-06T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovingClock clock = new MovingClock();

    LoginThrottle throttle(int clientFailures, int sourceFailures, int maxEntries) {
        return new LoginThrottle(clock, true, clientFailures, sourceFailures, Duration.ofMinutes(10), maxEntries);
    }

    @Test
    void aPairIsRefusedAfterItsFailuresAndRefillsOneByOne() {
        LoginThrottle throttle = throttle(3, 100, 1000);
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.blocked("client-a", "10.0.0.1")).isEmpty();
            throttle.failed("client-a", "10.0.0.1");
        }
        assertThat(throttle.blocked("client-a", "10.0.0.1")).hasValueSatisfying(wait ->
                assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(10).dividedBy(3)));
        // the same client from another address, and another client from this one, may still try
        assertThat(throttle.blocked("client-a", "10.0.0.2")).isEmpty();
        assertThat(throttle.blocked("client-b", "10.0.0.1")).isEmpty();
        // one token back after window / failures
        clock.now = clock.now.plus(Duration.ofMinutes(10).dividedBy(3));
        assertThat(throttle.blocked("client-a", "10.0.0.1")).isEmpty();
        throttle.failed("client-a", "10.0.0.1");
        assertThat(throttle.blocked("client-a", "10.0.0.1")).isPresent();
    }

    @Test
    void aSourceSprayingClientIdsIsRefusedForEveryClientButOtherSourcesAreNot() {
        LoginThrottle throttle = throttle(3, 5, 1000);
        for (int i = 0; i < 5; i++) {
            throttle.failed("guess-" + i, "192.0.2.7");
        }
        assertThat(throttle.blocked("never-tried", "192.0.2.7")).isPresent();
        assertThat(throttle.blocked("never-tried", "192.0.2.8")).isEmpty();
        assertThat(throttle.blocked("guess-0", "192.0.2.8")).isEmpty();
    }

    @Test
    void anIpv6SourceIsItsSlash64AndAMappedIpv4IsTheIpv4() {
        assertThat(LoginThrottle.source("2001:db8:1:2:aaaa::1")).isEqualTo(LoginThrottle.source("2001:db8:1:2:ffff::9"));
        assertThat(LoginThrottle.source("2001:db8:1:2::1")).isNotEqualTo(LoginThrottle.source("2001:db8:1:3::1"));
        assertThat(LoginThrottle.source("::ffff:10.1.2.3")).isEqualTo("10.1.2.3");
        assertThat(LoginThrottle.source(null)).isEqualTo("unknown");
    }

    @Test
    void failuresFromAnyNumberOfAddressesNeverBlockALegitimateClientElsewhere() {
        // property: whatever a guesser does from other addresses, the client's own address stays open
        Random random = new Random(20);
        for (int round = 0; round < 200; round++) {
            LoginThrottle throttle = throttle(1 + random.nextInt(5), 1 + random.nextInt(20), 1 + random.nextInt(500));
            int failures = random.nextInt(2000);
            for (int i = 0; i < failures; i++) {
                String source = "10." + random.nextInt(4) + "." + random.nextInt(256) + "." + random.nextInt(256);
                throttle.failed(random.nextBoolean() ? "victim" : "guess-" + random.nextInt(50), source);
                clock.now = clock.now.plusMillis(random.nextInt(50));
            }
            assertThat(throttle.blocked("victim", "172.16.0.9")).as("round %d", round).isEmpty();
        }
    }

    @Test
    void memoryIsBoundedUnderAddressSprayingAndFullBucketsAreForgotten() {
        LoginThrottle throttle = throttle(3, 10, 500);
        for (int i = 0; i < 100_000; i++) {
            throttle.failed("guess-" + i, "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff));
            assertThat(throttle.entries()).isLessThanOrEqualTo(2 * 500);
        }
        LoginThrottle forgetting = throttle(3, 10, 500);
        forgetting.failed("client-a", "10.0.0.1");
        assertThat(forgetting.entries()).isEqualTo(2);
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        assertThat(forgetting.blocked("client-a", "10.0.0.1")).isEmpty();
        assertThat(forgetting.entries()).isZero();
    }

    @Test
    void offMeansNeverRefused() {
        LoginThrottle off = new LoginThrottle(clock, false, 1, 1, Duration.ofMinutes(10), 10);
        off.failed("a", "10.0.0.1");
        off.failed("a", "10.0.0.1");
        assertThat(off.blocked("a", "10.0.0.1")).isEmpty();
    }
}
