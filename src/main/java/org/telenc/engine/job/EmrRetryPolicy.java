package org.telenc.engine.job;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.emr.EmrThrottledException;
import org.telenc.engine.emr.EmrVersionConflictException;

/**
 * Step 7 of docs/api.md "What a queued request becomes": how long a job whose EMR calls keep failing retryably waits before its next
 * try, and when it stops trying. Delays follow the configured backoff (the last one repeats) with
 * jitter, and never reach past the window, which counts from the moment the request was accepted:
 * the last try happens at the window's end, and a failure after that is permanent.
 */
@Component("emrRetryPolicy")
public class EmrRetryPolicy {

    private final EngineProperties.Emr.Retry settings;
    private final Clock clock;

    public EmrRetryPolicy(EngineProperties properties, Clock clock) {
        this.settings = properties.emr().retry();
        this.clock = clock;
    }

    /**
     * Whether a failure is worth another try later: the EMR could not answer now (I/O, timeout,
     * 408/429/5xx) or the engine held the call back (circuit open, rate limit). Every job kind asks
     * here.
     */
    public static boolean retryable(Exception failure) {
        return failure instanceof EmrRetryableException
                || failure instanceof EmrThrottledException
                || failure instanceof EmrVersionConflictException
                || failure instanceof IOException;
    }

    /** The delay before try {@code attempt + 1}, or empty when the window is used up. */
    public OptionalLong delayAfter(int attempt, Instant acceptedAt) {
        return delayAfter(attempt, acceptedAt, clock.instant(), jitterFactor());
    }

    OptionalLong delayAfter(int attempt, Instant acceptedAt, Instant now, double jitterFactor) {
        Instant deadline = acceptedAt.plus(settings.window());
        if (!now.isBefore(deadline)) {
            return OptionalLong.empty();
        }
        List<Duration> backoff = settings.backoff();
        Duration base = backoff.isEmpty() ? Duration.ofSeconds(5) : backoff.get(Math.min(Math.max(attempt, 1), backoff.size()) - 1);
        long delay = Math.max(0, Math.round(base.toMillis() * jitterFactor));
        long untilDeadline = Duration.between(now, deadline).toMillis();
        return OptionalLong.of(Math.min(delay, untilDeadline));
    }

    private double jitterFactor() {
        double jitter = settings.jitter();
        return jitter <= 0 ? 1 : 1 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
    }
}
