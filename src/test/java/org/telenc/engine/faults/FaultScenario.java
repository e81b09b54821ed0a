package org.telenc.engine.faults;

import java.nio.file.Path;
import java.util.List;

/**
 * One fault and the load it is applied to. {@link FaultRig} gives each scenario a fresh world (new
 * data directory, reset EMR store, empty receiver, a just-started engine); the scenario sends its
 * requests, does its damage and repairs it; the rig then waits for the outcomes and counts.
 */
interface FaultScenario {

    /** Short name, as in {@code -Dfaults.scenarios=kill,restart}. */
    String id();

    /** The table's "fault" column. */
    String label();

    void inject(ScenarioRun run) throws Exception;

    /**
     * Whether this fault leaves the engine time to answer what it accepted (a graceful stop does, a
     * kill -9 does not): then every request must be acknowledged by the end, at the latest on the
     * re-send, and no request may have been accepted without its answer reaching the client.
     */
    default boolean answersEveryAcceptedRequest() {
        return false;
    }

    /**
     * Sets up what the scenario needs outside the engine before its first start (e.g. a broker
     * pair) in the scenario's data directory; returns extra engine arguments.
     */
    default List<String> prepare(Path dataDir) throws Exception {
        return List.of();
    }

    /** Tears down what {@link #prepare} set up; called once the outcomes are counted. */
    default void cleanUp() throws Exception {
    }

    /**
     * Whether every request the engine stored was answered (no crash of the engine): then a request
     * that was refused (503) must have left nothing behind, no terminal event for it.
     */
    default boolean refusedRequestsLeaveNothing() {
        return false;
    }

    /**
     * Whether every acknowledged request must end {@code failed} ({@code internal_error}) with no
     * Encounter (a fault that never clears), instead of {@code created}.
     */
    default boolean expectsInternalError() {
        return false;
    }

    /** Checks of the scenario's own once the outcomes are counted; what failed, or null. */
    default String verify(ScenarioRun run) throws Exception {
        return null;
    }

    static FaultScenario byId(String id) {
        return switch (id) {
            case "kill" -> new KillMidFlight();
            case "sigterm" -> new StopMidFlight();
            case "webhook-down" -> new WebhookReceiverDown();
            case "emr-503" -> new EmrUnavailable();
            case "restart" -> new RestartWithScheduledDeliveries();
            case "broker-failover" -> new BrokerFailover();
            case "reload" -> new ReloadUnderLoad();
            case "before-emr-throws" -> JobThrows.beforeEmr();
            case "adapter-throws" -> JobThrows.adapterThrows();
            default -> throw new IllegalArgumentException("unknown scenario " + id);
        };
    }
}
