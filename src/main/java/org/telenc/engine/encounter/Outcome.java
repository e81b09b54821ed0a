package org.telenc.engine.encounter;

/** The terminal outcomes of contract 2.6, with the event type and the stored status of each. */
public enum Outcome {
    CREATED("telephone_encounter.created", "completed"),
    CREATED_PARTIAL("telephone_encounter.created_partial", "partial"),
    FAILED("telephone_encounter.failed", "failed");

    private final String eventType;
    private final String status;

    Outcome(String eventType, String status) {
        this.eventType = eventType;
        this.status = status;
    }

    public String eventType() {
        return eventType;
    }

    public String status() {
        return status;
    }
}
