package org.telenc.engine.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Resource;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The verdict on one scenario, from the two places outside the engine that a crash cannot fake:
 * the webhook receiver (did the client hear exactly one outcome per acknowledged request?) and the
 * EMR's store (was exactly one Encounter, and at most one refill, written per request?). The engine
 * marks what it writes with the job's identifier (system {@value #ENCOUNTER_SYSTEM}, and
 * {@value #REFILL_SYSTEM} for the refill), value = telephone_encounter_id.
 *
 * <p>The same event id delivered twice is at-least-once delivery and fine; two different terminal
 * event ids for one request are a duplicate outcome.
 */
final class OutcomeCheck {

    static final String ENCOUNTER_SYSTEM = "urn:telenc:telephone-encounter";
    static final String REFILL_SYSTEM = ENCOUNTER_SYSTEM + ":refill";
    private static final int IDS_SHOWN = 10;

    private final WebhookSink sink;
    private final SandboxFhirStore store;
    private final Duration deadline;
    private final Duration settle;
    private final boolean internalErrorExpected;

    /**
     * @param deadline how long to wait for every acknowledged request's terminal event
     * @param settle how long to keep listening after the last one, for a second outcome to show up
     */
    OutcomeCheck(WebhookSink sink, SandboxFhirStore store, Duration deadline, Duration settle) {
        this(sink, store, deadline, settle, false);
    }

    /** @param internalErrorExpected a request completes as expected when it failed with internal_error, writing nothing */
    OutcomeCheck(WebhookSink sink, SandboxFhirStore store, Duration deadline, Duration settle, boolean internalErrorExpected) {
        this.sink = sink;
        this.store = store;
        this.deadline = deadline;
        this.settle = settle;
        this.internalErrorExpected = internalErrorExpected;
    }

    /** The counts, once every acknowledged request has a terminal event or the deadline passed. */
    Tally await(List<EncounterRequest> requests) throws InterruptedException {
        Set<String> acknowledged = requests.stream().filter(EncounterRequest::acknowledged)
                .map(EncounterRequest::encounterId).collect(Collectors.toSet());
        try {
            Awaitility.await("a terminal event for every acknowledged request").atMost(deadline).pollInterval(Duration.ofMillis(200))
                    .until(() -> terminalEventIds().keySet().containsAll(acknowledged));
        } catch (ConditionTimeoutException late) {
            // the tally counts the requests still without an outcome
        }
        // settled: nothing new for the settle period, the window for a second outcome to show up
        AtomicInteger seen = new AtomicInteger(-1);
        try {
            Awaitility.await("the receiver quiet").during(settle).atMost(settle.multipliedBy(3).plusSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        int now = sink.received().size();
                        return seen.getAndSet(now) == now;
                    });
        } catch (ConditionTimeoutException busy) {
            // events still arriving: the tally shows what they were
        }
        return tally(requests);
    }

    private Tally tally(List<EncounterRequest> requests) {
        List<ReceivedEvent> received = sink.received();
        Map<String, Map<String, ReceivedEvent>> terminal = terminalEvents(received);
        Map<String, Integer> encounters = countByIdentifier(Encounter.class, Encounter::getIdentifier, ENCOUNTER_SYSTEM);
        Map<String, Integer> refills = countByIdentifier(MedicationRequest.class, MedicationRequest::getIdentifier, REFILL_SYSTEM);

        int completed = 0;
        List<String> duplicates = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        Map<String, Integer> others = new TreeMap<>();
        for (EncounterRequest request : requests) {
            if (!request.acknowledged()) {
                continue;
            }
            String id = request.encounterId();
            Collection<ReceivedEvent> events = terminal.getOrDefault(id, Map.of()).values();
            int encounterCount = encounters.getOrDefault(id, 0);
            int refillCount = refills.getOrDefault(id, 0);
            if (events.size() > 1 || encounterCount > 1 || refillCount > 1) {
                duplicates.add(id + " (events " + events.size() + ", encounters " + encounterCount + ", refills " + refillCount + ")");
            } else if (events.isEmpty()) {
                lost.add(id + " (request #" + request.number() + (request.acknowledgedOnResend() ? ", acknowledged on re-send" : "")
                        + ", encounters " + encounterCount + ")");
            } else {
                ReceivedEvent event = events.iterator().next();
                boolean refillOk = request.refillRequested() ? refillCount == 1 : refillCount == 0;
                boolean expected = internalErrorExpected
                        ? "telephone_encounter.failed".equals(event.type()) && List.of("internal_error").equals(event.reasonCodes())
                                && encounterCount == 0 && refillCount == 0
                        : ReceivedEvent.CREATED.equals(event.type()) && encounterCount == 1 && refillOk;
                if (expected) {
                    completed++;
                } else {
                    others.merge(event.type().replace("telephone_encounter.", "") + event.reasonCodes()
                            + " encounters=" + encounterCount + " refills=" + refillCount
                            + (request.refillRequested() ? " (refill requested)" : ""), 1, Integer::sum);
                }
            }
        }

        List<String> notes = new ArrayList<>();
        others.forEach((what, count) -> notes.add("other: " + count + " x " + what));
        if (!duplicates.isEmpty()) {
            notes.add("duplicates: " + shown(duplicates));
        }
        if (!lost.isEmpty()) {
            notes.add("lost (no terminal event within " + deadline.toSeconds() + " s): " + shown(lost));
        }
        Map<String, Long> unacknowledged = requests.stream().filter(r -> !r.acknowledged())
                .collect(Collectors.groupingBy(r -> r.sent() ? String.valueOf(r.lastFailure()) : "never sent",
                        TreeMap::new, Collectors.counting()));
        if (!unacknowledged.isEmpty()) {
            notes.add("not acknowledged even after the re-send (not counted): " + unacknowledged);
        }
        Set<String> acknowledgedIds = requests.stream().filter(EncounterRequest::acknowledged)
                .map(EncounterRequest::encounterId).collect(Collectors.toSet());
        long unclaimed = terminal.keySet().stream().filter(id -> !acknowledgedIds.contains(id)).count();
        if (unclaimed > 0) {
            notes.add(unclaimed + " terminal event(s) for requests the client never saw acknowledged (accepted, answer lost)");
        }
        Map<Integer, Long> firstAttempts = received.stream().filter(ReceivedEvent::terminal)
                .collect(Collectors.groupingBy(ReceivedEvent::identity, Collectors.minBy(
                        java.util.Comparator.comparingInt(ReceivedEvent::attempt))))
                .values().stream().flatMap(java.util.Optional::stream)
                .collect(Collectors.groupingBy(ReceivedEvent::attempt, TreeMap::new, Collectors.counting()));
        if (!firstAttempts.isEmpty()) {
            notes.add("terminal events by the attempt that first reached the receiver: " + firstAttempts);
        }
        long redelivered = received.stream().collect(Collectors.groupingBy(ReceivedEvent::identity, Collectors.counting()))
                .values().stream().filter(n -> n > 1).count();
        if (redelivered > 0) {
            notes.add(redelivered + " event(s) delivered more than once with the same id (at-least-once; fine)");
        }
        long resent = requests.stream().filter(EncounterRequest::acknowledgedOnResend).count();
        if (resent > 0) {
            notes.add(resent + " request(s) acknowledged only on the re-send with the same Idempotency-Key");
        }
        return new Tally(completed, duplicates.size(), lost.size(), others.values().stream().mapToInt(i -> i).sum(),
                (int) unclaimed, notes);
    }

    /** Per telephone_encounter_id, its distinct terminal events by event id. */
    private static Map<String, Map<String, ReceivedEvent>> terminalEvents(List<ReceivedEvent> received) {
        Map<String, Map<String, ReceivedEvent>> byEncounter = new HashMap<>();
        received.stream().filter(ReceivedEvent::terminal).filter(e -> e.encounterId() != null)
                .forEach(e -> byEncounter.computeIfAbsent(e.encounterId(), k -> new HashMap<>()).putIfAbsent(e.identity(), e));
        return byEncounter;
    }

    private Map<String, Map<String, ReceivedEvent>> terminalEventIds() {
        return terminalEvents(sink.received());
    }

    private <T extends Resource> Map<String, Integer> countByIdentifier(Class<T> type,
            Function<T, List<Identifier>> identifiers, String system) {
        Map<String, Integer> counts = new HashMap<>();
        for (T resource : store.all(type)) {
            new LinkedHashSet<>(identifiers.apply(resource).stream().filter(i -> system.equals(i.getSystem()))
                    .map(Identifier::getValue).toList()).forEach(value -> counts.merge(value, 1, Integer::sum));
        }
        return counts;
    }

    private static String shown(List<String> ids) {
        return ids.size() <= IDS_SHOWN ? String.join("; ", ids)
                : String.join("; ", ids.subList(0, IDS_SHOWN)) + "; ... (" + ids.size() + " in all)";
    }

    /** The counts of one scenario, and what to tell about them. */
    /** @param unanswered terminal events of requests the client never saw acknowledged (accepted, answer lost) */
    record Tally(int completed, int duplicates, int lost, int other, int unanswered, List<String> notes) {
    }
}
