package org.telenc.engine.job;

import java.util.OptionalLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrException;

/**
 * What an EMR failure means for a job of any kind. A retryable one (I/O, timeout, 408/429/5xx)
 * within the retry window defers the whole job: it goes back on the queue through the broker
 * scheduler ({@code AMQ_SCHEDULED_DELAY}) and is tried again from the start, which is safe because
 * every EMR write is a conditional create on a job-scoped identifier. Any other one fails the job
 * with login_required, emr_rejected or emr_unavailable.
 */
@Component
public class EmrFailures {

    private static final Logger log = LoggerFactory.getLogger(EmrFailures.class);

    private final EmrRetryPolicy retryPolicy;

    public EmrFailures(EmrRetryPolicy retryPolicy) {
        this.retryPolicy = retryPolicy;
    }

    /** Defers the job when the failure is retryable and the window has time left; true if it did. */
    public boolean deferred(EmrJob job, Exception failure) {
        if (!EmrRetryPolicy.retryable(failure)) {
            return false;
        }
        OptionalLong delay = retryPolicy.delayAfter(job.emrAttempt(), job.acceptedAt());
        if (delay.isEmpty()) {
            log.warn("{} {}: EMR retry window used up after try {}", job.kindName(), job.requestId(), job.emrAttempt());
            return false;
        }
        job.defer(delay.getAsLong());
        log.info("{} {}: EMR try {} failed ({}), next try in {} ms", job.kindName(), job.requestId(), job.emrAttempt(),
                safe(failure), delay.getAsLong());
        return true;
    }

    /** A refusal classified by the connection (its emr-refusal hook): the code, and the hook's description of it or null. */
    public record Reclassified(String code, String description) {
        @Override
        public String toString() {
            return "Reclassified[" + code + "]"; // the description is the team's text
        }
    }

    /** An EMR failure of a step the job cannot do without: deferred, or the job fails. */
    public void failed(EmrJob job, Exception failure) {
        failed(job, failure, refusal -> null);
    }

    /**
     * As {@link #failed(EmrJob, Exception)}, with a classification of a refusal (an
     * {@link EmrException} that is never retried: not one whose retry window ran out): its code, or null for the engine's own. The
     * description is the classification's when it gives one (the connection's text for its code), else the engine's
     * (status and issue codes).
     */
    public void failed(EmrJob job, Exception failure, Function<EmrException, Reclassified> classify) {
        if (deferred(job, failure)) {
            return;
        }
        log.warn("{} {} failed at the EMR: {}", job.kindName(), job.requestId(), safe(failure));
        String code = failure instanceof EmrException e ? e.reasonCode() : "emr_unavailable";
        String description = describe(failure);
        if (failure instanceof EmrException e && !EmrRetryPolicy.retryable(failure)) {
            Reclassified classified = classify.apply(e);
            if (classified != null) {
                code = classified.code();
                if (classified.description() != null) {
                    description = classified.description();
                }
            }
        }
        job.fail(code, description);
    }

    /** Our EMR exceptions carry only operation and status; any other message could quote a URL. */
    public static String safe(Exception failure) {
        return failure instanceof EmrException ? failure.getMessage() : failure.getClass().getSimpleName();
    }

    /** The webhook description of an EMR failure (status only, never a body). */
    public static String describe(Exception failure) {
        if (failure instanceof EmrException e) {
            return switch (e.reasonCode()) {
                case "login_required" -> "The EMR refused the engine's credentials (HTTP " + e.httpStatus() + ")";
                case "emr_unavailable" -> "The EMR was unavailable (HTTP " + e.httpStatus() + ")";
                default -> e.httpStatus() == 0 ? "The EMR connection does not support this step"
                        : "The EMR rejected the request (HTTP " + e.httpStatus()
                                + (e.issueCodes().isEmpty() ? "" : "; issues: " + e.issueCodes()) + ")";
            };
        }
        return "The EMR could not be reached";
    }
}
