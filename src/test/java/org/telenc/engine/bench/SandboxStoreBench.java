package org.telenc.engine.bench;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Reference;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.sandbox.fhir.SandboxStoreAccess;

/**
 * What a sandbox EMR search costs as a run stores encounters: the store's searches by identifier
 * (what a conditional create's {@code If-None-Exist} asks) and by patient, from its indexes, next to
 * the same search as a scan of every stored encounter (what the store did before it was indexed),
 * at 100 and at 10,000 stored encounters. Prints figures, asserts nothing.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/benchmark/classpath.txt) org.telenc.engine.bench.SandboxStoreBench
 * </pre>
 */
public final class SandboxStoreBench {

    static final String SYSTEM = "urn:telenc:telephone-encounter";
    static final int PATIENTS = 64;

    public static void main(String[] args) {
        int[] sizes = {100, 10_000};
        int searches = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        System.out.println("sandbox store search, per call (us), " + searches + " searches each, 1 thread");
        System.out.println(String.format(Locale.ROOT, "%-12s %14s %14s %14s", "encounters", "by identifier", "by patient",
                "scan (before)"));
        for (int round = 0; round < 2; round++) { // round 0 warms the JIT up, round 1 is printed
            for (int size : sizes) {
                SandboxFhirStore store = SandboxFhirStore.seeded();
                List<String> keys = new java.util.ArrayList<>();
                for (int i = 0; i < size; i++) {
                    String key = UUID.randomUUID().toString();
                    keys.add(key);
                    Encounter encounter = new Encounter();
                    encounter.addIdentifier().setSystem(SYSTEM).setValue(key);
                    encounter.setSubject(new Reference("Patient/gen-" + (i % PATIENTS)));
                    SandboxStoreAccess.create(store, encounter);
                }
                double byIdentifier = time(searches, i -> store.findByIdentifier(Encounter.class, SYSTEM, keys.get(i % size), e -> true).size());
                double byPatient = time(searches / 10, i -> store.findByPatient(Encounter.class, "gen-" + (i % PATIENTS), e -> true).size());
                double scan = time(Math.max(50, searches / Math.max(1, size / 100)), i -> {
                    String key = keys.get(i % size);
                    return store.find(Encounter.class, e -> e.getIdentifier().stream()
                            .anyMatch(id -> SYSTEM.equals(id.getSystem()) && key.equals(id.getValue()))).size();
                });
                if (round == 1) {
                    System.out.println(String.format(Locale.ROOT, "%-12d %14.2f %14.2f %14.2f", size, byIdentifier, byPatient, scan));
                }
            }
        }
        System.out.println("by patient returns each patient's encounters (size / " + PATIENTS + "): it grows with what it returns.");
    }

    /** Mean microseconds per call of {@code search}, over {@code calls} calls. */
    static double time(int calls, java.util.function.IntToLongFunction search) {
        long found = 0;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            found += search.applyAsLong(i);
        }
        long elapsed = System.nanoTime() - start;
        if (found < 0) {
            throw new IllegalStateException();
        }
        return elapsed / 1e3 / calls;
    }
}
