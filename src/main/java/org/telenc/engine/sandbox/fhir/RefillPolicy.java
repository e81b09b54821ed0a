package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestIntent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The sandbox EMR's rules for refill requests (a MedicationRequest with {@code intent=proposal}
 * and a {@code priorPrescription}): the prior prescription must exist, and a controlled substance
 * (the sandbox knows Oxycodone) cannot be refilled this way. A rejection is HTTP 422 with an
 * OperationOutcome, like a clinic EMR answers.
 */
final class RefillPolicy {

    static final String EPCS_REQUIRED = "Controlled-substance refills must be e-prescribed (EPCS); refill request rejected.";

    private static final String CONTROLLED_SUBSTANCE = "oxycodone";

    private final SandboxFhirStore store;

    RefillPolicy(SandboxFhirStore store) {
        this.store = store;
    }

    void check(MedicationRequest request) {
        if (request.getIntent() != MedicationRequestIntent.PROPOSAL || !request.hasPriorPrescription()) {
            return;
        }
        String priorId = request.getPriorPrescription().getReferenceElement().getIdPart();
        MedicationRequest prior = Optional.ofNullable(priorId)
                .flatMap(id -> store.read(MedicationRequest.class, id))
                .orElseThrow(() -> rejection(IssueType.NOTFOUND,
                        "priorPrescription " + request.getPriorPrescription().getReference() + " does not exist; refill request rejected."));
        if (medicationName(prior).toLowerCase(Locale.ROOT).contains(CONTROLLED_SUBSTANCE)) {
            throw rejection(IssueType.BUSINESSRULE, EPCS_REQUIRED);
        }
    }

    /** The drug's text and coding displays, from the order itself or the Medication it references. */
    private String medicationName(MedicationRequest order) {
        if (order.hasMedicationCodeableConcept()) {
            return describe(order.getMedicationCodeableConcept());
        }
        if (order.hasMedicationReference()) {
            return store.read(Medication.class, order.getMedicationReference().getReferenceElement().getIdPart())
                    .map(medication -> describe(medication.getCode()))
                    .orElse("");
        }
        return "";
    }

    private static String describe(CodeableConcept concept) {
        return Stream.concat(Stream.of(concept.getText()), concept.getCoding().stream().map(Coding::getDisplay))
                .filter(Objects::nonNull)
                .collect(Collectors.joining(" "));
    }

    private static UnprocessableEntityException rejection(IssueType code, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(code).setDiagnostics(diagnostics);
        return new UnprocessableEntityException(diagnostics, outcome);
    }
}
