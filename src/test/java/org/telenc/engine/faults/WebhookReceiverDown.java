package org.telenc.engine.faults;

import java.time.Instant;

/**
 * b. The client's webhook receiver is down (connections refused) while the requests are processed
 * and stays down for the outage; then it comes back. Every outcome must still arrive: deliveries
 * are retried on the broker's schedule, not dropped.
 */
final class WebhookReceiverDown implements FaultScenario {

    @Override
    public String id() {
        return "webhook-down";
    }

    @Override
    public String label() {
        return "webhook receiver down";
    }

    @Override
    public void inject(ScenarioRun run) throws Exception {
        Instant from = Instant.now();
        run.receiver().down();
        run.load().sendAll(run.requests());
        run.outage(run.receiver()::isDown);
        run.receiver().up();
        run.noteWindow("receiver down", from, Instant.now());
    }
}
