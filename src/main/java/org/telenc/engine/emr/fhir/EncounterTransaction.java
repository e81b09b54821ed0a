package org.telenc.engine.emr.fhir;

import org.hl7.fhir.r4.model.Patient;
import org.telenc.engine.emr.EmrOperations.WriteEncounter;

/**
 * The state of one write-encounter operation (exchange property {@code encounterTransaction}): the
 * input, which optional entries the full transaction carries, and whether the patient's pharmacy
 * list already held the pharmacy when it was searched.
 */
public final class EncounterTransaction {

    private final WriteEncounter input;
    private final Patient pharmacyChange;
    private final boolean pharmacyHeld;

    EncounterTransaction(WriteEncounter input, Patient pharmacyChange, boolean pharmacyHeld) {
        this.input = input;
        this.pharmacyChange = pharmacyChange;
        this.pharmacyHeld = pharmacyHeld;
    }

    WriteEncounter input() {
        return input;
    }

    /** The patient with the pharmacy added, to write under its version; null when the write leaves it alone. */
    Patient pharmacyChange() {
        return pharmacyChange;
    }

    boolean pharmacyHeld() {
        return pharmacyHeld;
    }

    boolean withRefill() {
        return input.refill() != null;
    }

    /** Whether the full transaction carries an entry the server may refuse on its own (the refill, the pharmacy). */
    boolean hasOptionalEntries() {
        return withRefill() || pharmacyChange != null;
    }

    /** Ids only. */
    @Override
    public String toString() {
        return "EncounterTransaction[" + input.encounter().jobKey() + "]";
    }
}
