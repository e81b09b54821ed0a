package org.telenc.engine.sandbox.fhir;

/**
 * The sandbox EMR's two batching features, which its CapabilityStatement states and its providers
 * honour: FHIR transaction and batch Bundles, and Patient search with
 * {@code _revinclude=MedicationRequest:patient}. They start as {@code engine.sandbox.fhir.transactions}
 * and {@code engine.sandbox.fhir.revinclude} say and can be switched while the server runs, like an
 * EMR upgraded (or downgraded) under a running engine.
 */
public final class SandboxFeatures {

    private volatile boolean transactions;
    private volatile boolean revInclude;

    SandboxFeatures(boolean transactions, boolean revInclude) {
        this.transactions = transactions;
        this.revInclude = revInclude;
    }

    public boolean transactions() {
        return transactions;
    }

    public boolean revInclude() {
        return revInclude;
    }

    /** From the next request on, the server takes (or refuses) transaction and batch Bundles and says so. */
    public void transactions(boolean on) {
        transactions = on;
    }

    /** From the next request on, a Patient search answers (or refuses) the orders' _revinclude and says so. */
    public void revInclude(boolean on) {
        revInclude = on;
    }
}
