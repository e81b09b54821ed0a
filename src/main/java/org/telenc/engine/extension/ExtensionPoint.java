package org.telenc.engine.extension;

import org.telenc.engine.emr.EmrConnection;

/**
 * The places in the flows where a team's own route runs, each named by its key under
 * {@code extensions} in an EMR connection's settings JSON. A connection that names no route for a
 * point runs nothing there: the default does nothing.
 */
public enum ExtensionPoint {
    /** After bean validation, before the kind's checks, the store and the queue: may change allowed fields or reject. */
    ACCEPTING("accepting"),
    /** In the job consumer, before enrichment and the EMR steps: may map allowed fields (template, provider, ...). */
    BEFORE_EMR("before-emr"),
    /**
     * Between the EMR search and the first write: sees the ids of the patients and refill orders the
     * engine found; may narrow them (never add one), or end the job failed with a declared code.
     */
    AFTER_MATCH("after-match"),
    /** The EMR refused a step before the encounter exists: may classify the refusal into a declared code. */
    EMR_REFUSAL("emr-refusal"),
    /** After the outcome's event is recorded and its deliveries queued: a notification; it changes nothing. */
    AFTER_OUTCOME("after-outcome");

    private final String key;

    ExtensionPoint(String key) {
        this.key = key;
    }

    /** The settings key ({@code extensions.<key>}) and the metric tag. */
    public String key() {
        return key;
    }

    /** Whether the connection's settings name a route for this point (a route, or a value that is not one). */
    public boolean namedBy(EmrConnection connection) {
        return Extensions.names(connection.options(), this);
    }
}
