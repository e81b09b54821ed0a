package org.telenc.engine.faults;

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

    static FaultScenario byId(String id) {
        return switch (id) {
            case "kill" -> new KillMidFlight();
            case "sigterm" -> new StopMidFlight();
            case "webhook-down" -> new WebhookReceiverDown();
            case "emr-503" -> new EmrUnavailable();
            case "restart" -> new RestartWithScheduledDeliveries();
            default -> throw new IllegalArgumentException("unknown scenario " + id);
        };
    }
}
