package org.telenc.engine.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * d. Restart with scheduled messages: with the receiver down, the engine makes the first delivery
 * attempts and parks the retries in the broker's scheduler ({@code AMQ_SCHEDULED_DELAY}); then the
 * engine is stopped (SIGTERM, a rolling deployment) and started again, and the receiver comes back.
 * The retry schedule must survive the restart (docs/api.md "Delivery and retries": "never an in-memory sleep").
 *
 * <p>"First attempts made" is read from the engine's own log (it logs event ids, never PHI): one
 * {@code webhook event evt_... attempt N failed} line per acknowledged request.
 */
final class RestartWithScheduledDeliveries implements FaultScenario {

    private static final Pattern FAILED_ATTEMPT = Pattern.compile("webhook event (evt_[0-9a-f]+) attempt \\d+ failed");

    @Override
    public String id() {
        return "restart";
    }

    @Override
    public String label() {
        return "restart with scheduled messages";
    }

    @Override
    public void inject(ScenarioRun run) throws Exception {
        Instant from = Instant.now();
        run.receiver().down();
        run.load().sendAll(run.requests());
        long expected = run.acknowledged();
        try {
            Awaitility.await("a failed first attempt of every event").atMost(Duration.ofSeconds(60).plus(run.settings().outage()))
                    .pollInterval(Duration.ofMillis(200)).until(() -> run.engine().distinctInLog(FAILED_ATTEMPT).size() >= expected);
        } catch (ConditionTimeoutException late) {
            // noted: fewer than all had their first attempt before the stop
        }
        int attempted = run.engine().distinctInLog(FAILED_ATTEMPT).size();
        run.note(attempted + " of " + expected + " events had a failed first attempt before the stop");
        long stopping = System.nanoTime();
        run.engine().stop();
        run.note(String.format(java.util.Locale.ROOT, "graceful stop (SIGTERM) took %.1f s",
                (System.nanoTime() - stopping) / 1e9));
        run.startEngine("restart after SIGTERM");
        run.receiver().up();
        run.noteWindow("receiver down", from, Instant.now());
    }
}
