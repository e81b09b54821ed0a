package org.telenc.engine.faults;

import java.time.Duration;

/**
 * Graceful shutdown: SIGTERM while requests are arriving and jobs are in flight, as
 * Kubernetes does on a rollout. In-flight work must complete or go back to the broker; nothing
 * acknowledged may be lost or half-written. The stop's duration is noted (it must fit the pod's
 * termination grace period).
 */
final class StopMidFlight implements FaultScenario {

    @Override
    public String id() {
        return "sigterm";
    }

    @Override
    public String label() {
        return "SIGTERM mid-flight";
    }

    /** A graceful stop drains in-flight requests: none may be stored and queued yet go unanswered. */
    @Override
    public boolean answersEveryAcceptedRequest() {
        return true;
    }

    @Override
    public void inject(ScenarioRun run) throws Exception {
        int half = Math.max(1, run.requests().size() / 2);
        LoadClient.LoadRun load = run.load().start(run.requests());
        if (!load.awaitAcknowledged(half, Duration.ofSeconds(60))) {
            run.note("only " + run.acknowledged() + " acknowledged before the batch ended; stopped anyway");
        }
        long started = System.nanoTime();
        run.engine().stop();
        run.note(String.format("SIGTERM after %d of %d acknowledged; graceful stop took %.1f s", run.acknowledged(),
                run.requests().size(), (System.nanoTime() - started) / 1e9));
        load.awaitDone(Duration.ofMinutes(2));
        run.startEngine("restart after SIGTERM");
        run.load().resendUnacknowledged(run.requests());
    }
}
