package org.telenc.engine.faults;

import java.util.List;

/** What a {@link FaultScenario} works with, and where it leaves notes for the report (no PHI). */
record ScenarioRun(FaultSuiteSettings settings, EngineProcess engine, ExternalEmr emr, WebhookSink receiver,
        LoadClient load, List<EncounterRequest> requests, List<String> notes) {

    /** Starts the engine (first start or restart) and notes how long it took to be ready. */
    void startEngine(String what) throws java.io.IOException, InterruptedException {
        java.time.Duration took = engine.start();
        note(String.format(java.util.Locale.ROOT, "%s: engine ready in %.1f s", what, took.toMillis() / 1000.0));
    }

    /** Notes when a fault was in force, in UTC like the engine's log, to read the two side by side. */
    void noteWindow(String fault, java.time.Instant from, java.time.Instant to) {
        note(String.format(java.util.Locale.ROOT, "%s from %s to %s (%.1f s)", fault, from, to,
                java.time.Duration.between(from, to).toMillis() / 1000.0));
    }

    void note(String note) {
        notes.add(note);
    }

    long acknowledged() {
        return requests.stream().filter(EncounterRequest::acknowledged).count();
    }

    /**
     * Holds the outage for its configured length: waits until {@code inForce} (the fault is still on)
     * has held for the whole length, failing if the fault was lifted meanwhile.
     */
    void outage(java.util.function.BooleanSupplier inForce) {
        java.time.Duration length = settings.outage();
        org.awaitility.Awaitility.await("the fault in force for " + length.toSeconds() + " s").during(length)
                .atMost(length.plusSeconds(10)).pollInterval(java.time.Duration.ofMillis(200)).until(inForce::getAsBoolean);
    }
}
