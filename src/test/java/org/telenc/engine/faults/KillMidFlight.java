package org.telenc.engine.faults;

import java.time.Duration;

/**
 * a. {@code kill -9} mid-flight: while requests are still arriving (and earlier ones are being
 * processed and delivered), SIGKILL the engine once about half are acknowledged, start it again on
 * the same data, and let the client re-send what it never saw acknowledged. Every acknowledged
 * request must still end in exactly one outcome: the H2 database and the KahaDB journal must have
 * kept what a 200 promised, and redelivered jobs must not write to the EMR twice.
 */
final class KillMidFlight implements FaultScenario {

    @Override
    public String id() {
        return "kill";
    }

    @Override
    public String label() {
        return "kill -9 mid-flight";
    }

    @Override
    public void inject(ScenarioRun run) throws Exception {
        int half = Math.max(1, run.requests().size() / 2);
        LoadClient.LoadRun load = run.load().start(run.requests());
        if (!load.awaitAcknowledged(half, Duration.ofSeconds(60))) {
            run.note("only " + run.acknowledged() + " acknowledged before the batch ended; killed anyway");
        }
        run.engine().kill();
        run.note("SIGKILL after " + run.acknowledged() + " of " + run.requests().size() + " acknowledged");
        load.awaitDone(Duration.ofMinutes(2));
        run.startEngine("restart after SIGKILL");
        run.load().resendUnacknowledged(run.requests());
    }
}
