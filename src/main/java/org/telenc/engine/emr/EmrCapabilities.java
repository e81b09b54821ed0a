package org.telenc.engine.emr;

/**
 * What a connection's server says it can do (its CapabilityStatement, read at every sync): a
 * telephone encounter needs a Patient search by identifier and an Encounter create.
 */
public record EmrCapabilities(String fhirVersion, boolean searchPatientByIdentifier, boolean createEncounter) {

    public boolean telephoneEncounters() {
        return searchPatientByIdentifier && createEncounter;
    }
}
