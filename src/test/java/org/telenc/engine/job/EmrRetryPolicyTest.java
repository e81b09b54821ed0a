package org.telenc.engine.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telenc.engine.config.EngineProperties;

/** The EMR retry window (step 7 of docs/api.md "What a queued request becomes"), without Camel or a broker. */
class EmrRetryPolicyTest {

    static final Instant ACCEPTED = Instant.parse("2026-11-24T10:00:00Z");

    EmrRetryPolicy policy(String window, double jitter, String... backoff) {
        var retry = new EngineProperties.Emr.Retry(3, 500, Duration.parse(window),
                List.of(backoff).stream().map(Duration::parse).toList(), jitter);
        var properties = new EngineProperties("./data", null, null, null, new EngineProperties.Emr(10000, retry), null);
        return new EmrRetryPolicy(properties, Clock.systemUTC());
    }

    @Test
    void followsTheBackoffAndRepeatsItsLastDelay() {
        EmrRetryPolicy policy = policy("PT1H", 0, "PT5S", "PT15S", "PT1M");
        Instant now = ACCEPTED.plusSeconds(1);
        assertThat(policy.delayAfter(1, ACCEPTED, now, 1).getAsLong()).isEqualTo(5_000);
        assertThat(policy.delayAfter(2, ACCEPTED, now, 1).getAsLong()).isEqualTo(15_000);
        assertThat(policy.delayAfter(3, ACCEPTED, now, 1).getAsLong()).isEqualTo(60_000);
        assertThat(policy.delayAfter(40, ACCEPTED, now, 1).getAsLong()).isEqualTo(60_000);
    }

    @Test
    void theLastTryFallsOnTheWindowsEndAndNothingAfterIt() {
        EmrRetryPolicy policy = policy("PT1H", 0, "PT5M");
        Instant nearEnd = ACCEPTED.plus(Duration.ofMinutes(58));
        assertThat(policy.delayAfter(12, ACCEPTED, nearEnd, 1).getAsLong()).isEqualTo(120_000);
        assertThat(policy.delayAfter(13, ACCEPTED, ACCEPTED.plus(Duration.ofHours(1)), 1)).isEmpty();
        assertThat(policy.delayAfter(13, ACCEPTED, ACCEPTED.plus(Duration.ofHours(2)), 1)).isEmpty();
    }

    @Test
    void jitterScalesTheDelay() {
        EmrRetryPolicy policy = policy("PT1H", 0.1, "PT10S");
        Instant now = ACCEPTED.plusSeconds(1);
        assertThat(policy.delayAfter(1, ACCEPTED, now, 0.9).getAsLong()).isEqualTo(9_000);
        assertThat(policy.delayAfter(1, ACCEPTED, now, 1.1).getAsLong()).isEqualTo(11_000);
        for (int i = 0; i < 100; i++) {
            assertThat(policy.delayAfter(1, Instant.now()).getAsLong()).isBetween(9_000L, 11_000L);
        }
    }

    @Test
    void outagesAndHeldCallsAreRetryableRejectionsAreNot() {
        assertThat(EmrRetryPolicy.retryable(new org.telenc.engine.emr.EmrRetryableException(503, "x"))).isTrue();
        assertThat(EmrRetryPolicy.retryable(new org.telenc.engine.emr.EmrThrottledException("x"))).isTrue();
        assertThat(EmrRetryPolicy.retryable(new java.net.ConnectException("x"))).isTrue();
        assertThat(EmrRetryPolicy.retryable(new org.telenc.engine.emr.EmrPermanentException("emr_rejected", 422, "x"))).isFalse();
        assertThat(EmrRetryPolicy.retryable(new org.telenc.engine.emr.EmrPermanentException("login_required", 401, "x"))).isFalse();
        assertThat(EmrRetryPolicy.retryable(new IllegalStateException("x"))).isFalse();
    }
}
