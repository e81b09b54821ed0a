package org.telenc.engine.encounter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.telenc.engine.emr.EmrOperations.RefillableMedication;
import org.telenc.engine.encounter.MedicationMatcher.Ambiguous;
import org.telenc.engine.encounter.MedicationMatcher.Matched;
import org.telenc.engine.encounter.MedicationMatcher.NotFound;

class MedicationMatcherTest {

    final MedicationMatcher matcher = new MedicationMatcher();
    final List<RefillableMedication> meds = List.of(
            new RefillableMedication("1", "Metoprolol succinate ER 25 mg tablet"),
            new RefillableMedication("2", "Metoprolol tartrate 50 mg tablet"),
            new RefillableMedication("3", "Lisinopril 10 mg tablet"),
            new RefillableMedication("4", "Aspirin"),
            new RefillableMedication("5", "Aspirin 81 mg chewable"));

    @Test
    void exactNameWinsCaseInsensitivelyEvenWhenOthersContainIt() {
        assertThat(matcher.match("ASPIRIN", meds)).isEqualTo(new Matched(meds.get(3)));
    }

    @Test
    void singlePartialMatchIsTaken() {
        assertThat(matcher.match("  lisinopril ", meds)).isEqualTo(new Matched(meds.get(2)));
        assertThat(matcher.match("metoprolol TARTRATE", meds)).isEqualTo(new Matched(meds.get(1)));
    }

    @Test
    void severalPartialMatchesAreAmbiguousWithTheCandidates() {
        assertThat(matcher.match("metoprolol", meds)).isEqualTo(new Ambiguous(List.of(
                "Metoprolol succinate ER 25 mg tablet", "Metoprolol tartrate 50 mg tablet")));
    }

    @Test
    void noMatchListsEveryRefillableName() {
        assertThat(matcher.match("ibuprofen", meds)).isInstanceOfSatisfying(NotFound.class,
                n -> assertThat(n.available()).hasSize(5));
        assertThat(matcher.match("ibuprofen", List.of())).isEqualTo(new NotFound(List.of()));
    }
}
