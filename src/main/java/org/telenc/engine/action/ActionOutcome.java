package org.telenc.engine.action;

import org.telenc.engine.job.JobOutcome;

/** The terminal outcomes of an add-action request, with the event type and the stored status of each. */
public enum ActionOutcome implements JobOutcome {
    CREATED("telephone_encounter_action.created", "completed"),
    FAILED("telephone_encounter_action.failed", "failed");

    private final Terminal terminal;

    ActionOutcome(String eventType, String status) {
        this.terminal = new Terminal(eventType, status);
    }

    @Override
    public Terminal terminal() {
        return terminal;
    }
}
