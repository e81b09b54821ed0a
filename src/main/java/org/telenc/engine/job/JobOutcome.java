package org.telenc.engine.job;

/**
 * A kind's terminal outcome, implemented by the kind's enum: the webhook event type and the stored
 * status it ends with ({@link Terminal}). The kind's failed outcome is the constant {@code FAILED};
 * its reasons are the job's failures.
 */
public interface JobOutcome {

    /** What an outcome writes: the event type and the request row's status. */
    record Terminal(String eventType, String status) {
    }

    Terminal terminal();

    /** The enum constant's name. */
    String name();

    default String eventType() {
        return terminal().eventType();
    }

    default String status() {
        return terminal().status();
    }

    default boolean isFailure() {
        return "FAILED".equals(name());
    }
}
