package org.telenc.engine.encounter;

import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrOperations.RefillableMedication;

/**
 * Step 2 of docs/api.md "What a queued request becomes": case-insensitive matching of the requested name against the patient's
 * refillable medications. An exact name wins; else the single medication whose name contains the
 * text; several contain it: ambiguous (the candidates are listed); none: not found (all refillable
 * names are listed). Plain inputs, a value out: the encounter job applies the match.
 */
@Component("medicationMatcher")
public class MedicationMatcher {

    public sealed interface Match permits Matched, Ambiguous, NotFound {
    }

    public record Matched(RefillableMedication medication) implements Match {
    }

    /** Medication names are PHI: the toStrings (which Camel may print for a body) count them only. */
    public record Ambiguous(List<String> candidates) implements Match {
        @Override
        public String toString() {
            return "Ambiguous[" + candidates.size() + " candidates]";
        }
    }

    public record NotFound(List<String> available) implements Match {
        @Override
        public String toString() {
            return "NotFound[" + available.size() + " available]";
        }
    }

    public Match match(String requested, List<RefillableMedication> refillable) {
        String wanted = normalize(requested);
        List<RefillableMedication> exact = refillable.stream().filter(m -> normalize(m.name()).equals(wanted)).toList();
        if (!exact.isEmpty()) {
            return new Matched(exact.get(0));
        }
        List<RefillableMedication> containing = wanted.isEmpty() ? List.of()
                : refillable.stream().filter(m -> normalize(m.name()).contains(wanted)).toList();
        if (containing.size() == 1) {
            return new Matched(containing.get(0));
        }
        if (containing.size() > 1) {
            return new Ambiguous(containing.stream().map(RefillableMedication::name).distinct().toList());
        }
        return new NotFound(refillable.stream().map(RefillableMedication::name).distinct().toList());
    }

    private static String normalize(String name) {
        return name == null ? "" : name.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
