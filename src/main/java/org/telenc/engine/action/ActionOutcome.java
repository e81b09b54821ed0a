package org.telenc.engine.action;

import org.telenc.engine.job.JobOutcome;

/** The terminal outcomes of an add-action request, with the event type and the stored status of each. */
public enum ActionOutcome implements JobOutcome {
    CREATED("telephone_encounter_action.created", "completed"),
    FAILED("telephone_encounter_action.failed", "failed");

    private final String eventType;
    private final String status;

    ActionOutcome(String eventType, String status) {
        this.eventType = eventType;
        this.status = status;
    }

    @Override
    public String eventType() {
        return eventType;
    }

    @Override
    public String status() {
        return status;
    }

    @Override
    public boolean isFailure() {
        return this == FAILED;
    }
}
