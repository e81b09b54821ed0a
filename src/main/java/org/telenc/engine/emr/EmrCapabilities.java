package org.telenc.engine.emr;

/**
 * What a connection's server says it can do (its CapabilityStatement, read at every sync): a
 * telephone encounter needs a Patient search by identifier and an Encounter create. Two more flags
 * let a job make fewer calls: {@code transactions} (the server takes a FHIR {@code transaction}
 * Bundle: rest.interaction code {@code transaction}) and {@code ordersBatchSearch} (the server
 * takes a {@code batch} Bundle, or a {@code transaction} one, and MedicationRequest's searchInclude
 * holds {@code MedicationRequest:medication} or {@code *}: one batch call finds the patient and its
 * active orders with their medications).
 */
public record EmrCapabilities(String fhirVersion, boolean searchPatientByIdentifier, boolean createEncounter,
        boolean transactions, boolean ordersBatchSearch) {

    /** A server of which only the telephone-encounter needs are known: no batching. */
    public EmrCapabilities(String fhirVersion, boolean searchPatientByIdentifier, boolean createEncounter) {
        this(fhirVersion, searchPatientByIdentifier, createEncounter, false, false);
    }

    public boolean telephoneEncounters() {
        return searchPatientByIdentifier && createEncounter;
    }
}
