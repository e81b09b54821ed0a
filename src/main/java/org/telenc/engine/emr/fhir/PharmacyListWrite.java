package org.telenc.engine.emr.fhir;

import org.telenc.engine.emr.EmrOperations.EnsurePatientPharmacy;

/**
 * The state of one ensure-patient-pharmacy operation (exchange property {@code pharmacyWrite}):
 * read where the patient's pharmacies are kept, add the pharmacy under {@code If-Match}, and go
 * round again until an answer of the EMR shows the pharmacy held, at most {@link #MAXIMUM_TRIES} times.
 */
public final class PharmacyListWrite {

    /** Reads (each followed by at most one write) before the operation gives up. */
    public static final int MAXIMUM_TRIES = 5;

    private final EnsurePatientPharmacy input;
    private int tries;
    private String listId;
    private boolean held;

    PharmacyListWrite(EnsurePatientPharmacy input) {
        this.input = input;
    }

    /** The patient and the pharmacy wanted on the list. */
    EnsurePatientPharmacy input() {
        return input;
    }

    /** Whether the EMR has not yet shown the pharmacy held. */
    public boolean isPending() {
        return !held;
    }

    int tries() {
        return tries;
    }

    int nextTry() {
        return ++tries;
    }

    /** The logical id of the patient's List, once known (list mode): later reads are versioned reads of it. */
    String listId() {
        return listId;
    }

    void listId(String id) {
        if (id != null) {
            listId = id;
        }
    }

    void held() {
        held = true;
    }
}
