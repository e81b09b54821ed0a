package org.telenc.engine.action;

/** The terminal outcomes of an add-action request, with the event type and the stored status of each. */
public enum ActionOutcome {
    CREATED("telephone_encounter_action.created", "completed"),
    FAILED("telephone_encounter_action.failed", "failed");

    private final String eventType;
    private final String status;

    ActionOutcome(String eventType, String status) {
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
