package org.telenc.engine.encounter;

import org.telenc.engine.job.JobOutcome;

/** The terminal outcomes of docs/api.md "Webhook events", with the event type and the stored status of each. */
public enum Outcome implements JobOutcome {
    CREATED("telephone_encounter.created", "completed"),
    CREATED_PARTIAL("telephone_encounter.created_partial", "partial"),
    FAILED("telephone_encounter.failed", "failed");

    private final Terminal terminal;

    Outcome(String eventType, String status) {
        this.terminal = new Terminal(eventType, status);
    }

    @Override
    public Terminal terminal() {
        return terminal;
    }
}
