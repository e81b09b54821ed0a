package org.telenc.engine.sandbox.fhir;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;

/**
 * How many included resources ({@code _include}, {@code _revinclude}, {@code :iterate} alike) the
 * sandbox EMR loads per page of a search, as a HAPI FHIR JPA server does
 * ({@code maximumIncludesToLoadPerPage}, 1000 by default there): past the cap the rest of the page's
 * includes are silently left out, with no next link and no OperationOutcome. Set by
 * {@code engine.sandbox.fhir.max-includes-per-page} (default 1000; 0 or less: no cap).
 */
final class SandboxIncludes {

    static final int HAPI_JPA_DEFAULT = 1000;

    private final int perPage;
    private int loaded;
    private final Set<String> medications = new HashSet<>();

    private SandboxIncludes(int perPage) {
        this.perPage = perPage;
    }

    /** The budget of one page. */
    static SandboxIncludes forPage(int maxPerPage) {
        return new SandboxIncludes(maxPerPage <= 0 ? Integer.MAX_VALUE : maxPerPage);
    }

    /** Takes one included resource from the page's budget; false once the budget is spent. */
    boolean take() {
        if (loaded >= perPage) {
            return false;
        }
        loaded++;
        return true;
    }

    /**
     * Attaches each order's Medication (which the server then adds as an include entry), each
     * distinct one counted once, while the budget lasts.
     */
    void attachMedications(SandboxFhirStore store, List<?> orders) {
        for (Object resource : orders) {
            if (resource instanceof MedicationRequest order && order.hasMedicationReference()) {
                String id = order.getMedicationReference().getReferenceElement().getIdPart();
                if (medications.contains(id) || (take() && medications.add(id))) {
                    store.read(Medication.class, id).ifPresent(order.getMedicationReference()::setResource);
                }
            }
        }
    }
}
