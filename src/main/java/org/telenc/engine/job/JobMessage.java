package org.telenc.engine.job;

/**
 * A job's queue message, a record bound by Jackson: which stored request it is and, after a
 * deferral, which try at the EMR comes next (absent on the first).
 */
public interface JobMessage {

    /** The stored request's id, or null when the message names none. */
    String requestId();

    /** The try at the EMR this message starts; null on the first. */
    Integer emrAttempt();

    /** 1 for the first try at the EMR, 2 after one deferral, and so on. */
    default int attempt() {
        return emrAttempt() == null ? 1 : Math.max(1, emrAttempt());
    }
}
