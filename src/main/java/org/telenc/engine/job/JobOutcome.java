package org.telenc.engine.job;

/** A kind's terminal outcome: the webhook event type and the stored status it ends with. */
public interface JobOutcome {

    String eventType();

    String status();

    /** True for the kind's failed outcome, whose reasons are the job's failures. */
    boolean isFailure();
}
