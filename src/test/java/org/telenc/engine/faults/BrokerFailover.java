package org.telenc.engine.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.telenc.engine.broker.BrokerProcess;

/**
 * f. Broker failover (docs/operating.md "Primary/standby on a shared store"): the engine on an external primary/standby pair of ActiveMQ Classic
 * brokers, each in its own process, on one shared KahaDB directory (journal and scheduler store;
 * the primary holds the store's file lock, the standby waits for it). While requests arrive,
 * SIGKILL the primary; the standby takes the lock, opens the store and its connector, and the
 * engine's {@code failover:(primary,standby)} transport reconnects. Every acknowledged request must
 * end in exactly one outcome, and a request the engine refused meanwhile must leave nothing behind.
 * Notes the unavailability window: from the kill to the first 200 for a request sent after it.
 */
final class BrokerFailover implements FaultScenario {

    private static final Duration GAP = Duration.ofMillis(150);
    /**
     * The failover transport's send timeout (prod: 10 s), here below the takeover time: a send that
     * gives up is answered 503 and its stored request discarded, which the rig checks (a refused
     * request must leave no terminal event). In the runs so far every send waited and passed.
     */
    private static final Duration SEND_TIMEOUT = Duration.ofMillis(2500);

    /** How long the standby may take to hold the store and listen, at most. */
    private static final Duration TAKEOVER_LIMIT = Duration.ofMinutes(3);

    private BrokerProcess primary;
    private BrokerProcess standby;

    @Override
    public String id() {
        return "broker-failover";
    }

    @Override
    public String label() {
        return "kill -9 of the primary broker";
    }

    @Override
    public boolean refusedRequestsLeaveNothing() {
        return true;
    }

    @Override
    public List<String> prepare(Path dataDir) throws Exception {
        Path shared = Files.createDirectories(dataDir.resolve("shared-broker-store"));
        primary = new BrokerProcess(shared);
        standby = new BrokerProcess(shared);
        primary.start();
        standby.launch(); // blocks on the store's lock until the primary is gone
        return List.of("--engine.broker.embedded=false",
                "--spring.activemq.broker-url=failover:(" + primary.url() + "," + standby.url()
                        + ")?randomize=false&initialReconnectDelay=100&maxReconnectDelay=1000&timeout=" + SEND_TIMEOUT.toMillis(),
                "--engine.broker.user=" + BrokerProcess.USER,
                "--engine.broker.password=" + BrokerProcess.PASSWORD);
    }

    @Override
    public void inject(ScenarioRun run) throws Exception {
        List<EncounterRequest> requests = run.requests();
        int before = Math.max(1, requests.size() / 3);
        // the first third at full pace, then one request every GAP through the switch
        List<LoadClient.LoadRun> loads = new ArrayList<>();
        LoadClient.LoadRun first = run.load().start(requests.subList(0, before));
        loads.add(first);
        first.awaitAcknowledged(Math.max(1, before / 2), Duration.ofSeconds(60));
        CompletableFuture<Void> takeover = CompletableFuture.runAsync(() -> {
            try {
                standby.awaitReady();
            } catch (Exception e) {
                throw new IllegalStateException("standby did not take over", e);
            }
        });
        primary.kill();
        long killedAt = System.nanoTime();
        Instant killed = Instant.now();
        run.note("SIGKILL of the primary broker after " + run.acknowledged() + " of " + requests.size() + " acknowledged");
        List<EncounterRequest> after = requests.subList(before, requests.size());
        loads.add(run.load().start(after, GAP)); // one request every GAP, on the load's schedule
        // the standby's takeover is a JVM and store start: on a loaded 2-core machine it took more
        // than 60 s once; the time it took is noted, and the rig's outcome checks are what pass or fail
        takeover.get(TAKEOVER_LIMIT.toSeconds(), TimeUnit.SECONDS);
        run.note(String.format(Locale.ROOT, "standby broker took over %.1f s after the kill", (System.nanoTime() - killedAt) / 1e9));
        for (LoadClient.LoadRun load : loads) {
            load.awaitDone(Duration.ofMinutes(2));
        }
        run.noteWindow("primary broker killed", killed, Instant.now());
        long firstAckAfter = after.stream().filter(EncounterRequest::acknowledged).mapToLong(EncounterRequest::answeredAtNanos)
                .min().orElse(0);
        run.note(firstAckAfter == 0 ? "no request sent after the kill was acknowledged"
                : String.format(Locale.ROOT, "unavailability window: %.1f s from the kill to the first 200 for a request sent after it",
                        (firstAckAfter - killedAt) / 1e9));
        Map<String, Integer> refused = new TreeMap<>();
        requests.stream().filter(r -> r.sent() && !r.acknowledged())
                .forEach(r -> refused.merge(String.valueOf(r.lastFailure()), 1, Integer::sum));
        long slowest = requests.stream().filter(EncounterRequest::acknowledged).mapToLong(EncounterRequest::answeredAtNanos)
                .max().orElse(killedAt) - killedAt;
        run.note(String.format(Locale.ROOT, "refused during the switch (not re-sent): %s; last 200 %.1f s after the kill",
                refused.isEmpty() ? "none" : refused, slowest / 1e9));
    }

    @Override
    public void cleanUp() throws Exception {
        if (standby != null) {
            standby.close();
        }
        if (primary != null) {
            primary.close();
        }
    }
}
