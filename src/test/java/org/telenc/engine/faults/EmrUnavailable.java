package org.telenc.engine.faults;

import java.time.Instant;

/**
 * c. The EMR answers 503 to everything for the outage. Intake does not need the EMR (reference
 * checks use the synced tables), so requests are acknowledged; their processing must wait the
 * outage out (step 7 of docs/api.md "What a queued request becomes": retryable failures are retried for a configurable window,
 * {@code engine.emr.retry.window}) and then complete, each exactly once. An engine without durable
 * EMR retries reports them as {@code failed [emr_unavailable]}, counted under "other".
 */
final class EmrUnavailable implements FaultScenario {

    @Override
    public String id() {
        return "emr-503";
    }

    @Override
    public String label() {
        return "EMR 503";
    }

    @Override
    public void inject(ScenarioRun run) throws Exception {
        EmrFaultSwitch faults = run.emr().faultSwitch();
        long before = faults.refused();
        Instant from = Instant.now();
        faults.on();
        try {
            run.load().sendAll(run.requests());
            run.outage(faults::isOn);
        } finally {
            faults.off();
        }
        run.noteWindow("EMR answered 503", from, Instant.now());
        run.note("EMR requests refused with 503: " + (faults.refused() - before));
    }
}
