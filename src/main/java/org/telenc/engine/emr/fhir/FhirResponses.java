package org.telenc.engine.emr.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.apache.commons.lang3.StringUtils;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrCapabilities;
import org.telenc.engine.emr.EmrNotFoundException;
import org.telenc.engine.emr.EmrOperations.AddEncounterDetails;
import org.telenc.engine.emr.EmrOperations.DetailNotAdded;
import org.telenc.engine.emr.EmrOperations.EncounterCreated;
import org.telenc.engine.emr.EmrOperations.EncounterDetailsAdded;
import org.telenc.engine.emr.EmrOperations.EncounterRead;
import org.telenc.engine.emr.EmrOperations.NoteCreated;
import org.telenc.engine.emr.EmrOperations.PatientMatch;
import org.telenc.engine.emr.EmrOperations.RefillAdded;
import org.telenc.engine.emr.EmrOperations.RefillableMedication;
import org.telenc.engine.emr.EmrOperations.RefillableMedications;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.emr.EmrVersionConflictException;
import org.telenc.engine.routes.ExchangeProperties;

/**
 * Reads FHIR R4 answers into the results of the adapter operations (the records of
 * {@code EmrOperations}). {@link #check} sorts HTTP statuses into success, permanent and retryable
 * failures; nothing here copies a resource body into a message or log.
 */
@Component("fhirResponses")
public class FhirResponses {

    private final FhirContext fhir;
    private final Clock clock;

    public FhirResponses(FhirContext fhir, Clock clock) {
        this.fhir = fhir;
        this.clock = clock;
    }

    /** The body of a 2xx answer; otherwise the failure, typed by whether a retry can help. */
    public String check(@Header(Exchange.HTTP_RESPONSE_CODE) Integer status, @ExchangeProperty(ExchangeProperties.FHIR_CALL) FhirCall call,
            @Body String body) {
        int code = status == null ? 0 : status;
        if (code >= 200 && code < 300) {
            return body;
        }
        String what = "EMR call " + call.operation() + " answered HTTP " + code;
        if ((code == 412 || (code == 409 && versionConflict(body))) && (call.ifMatch() != null
                || FhirEncounterTransactions.WRITE_ENCOUNTER_TRANSACTION.equals(call.operation()))) {
            throw new EmrVersionConflictException(code, what);
        }
        if (retryable(code)) {
            throw new EmrRetryableException(code, what);
        }
        if (code == 401 || code == 403) {
            throw new EmrPermanentException("login_required", code, what);
        }
        if (code == 404 || code == 410) {
            throw new EmrNotFoundException(code, what + issueCodes(body)).withIssueCodes(codes(body));
        }
        throw new EmrPermanentException("emr_rejected", code, what + issueCodes(body)).withIssueCodes(codes(body));
    }

    /**
     * The HAPI FHIR message codes of a version conflict, which HAPI servers answer with 409 (not 412):
     * 0989, a write naming a version that is not the current one; 0823, 0826 and 0827, a write that
     * lost a race on the same version (optimistic and pessimistic locking). Inside a transaction
     * they come prefixed ({@code HAPI-0550: HAPI-0989: ...}).
     */
    static final List<String> HAPI_VERSION_CONFLICTS = List.of("HAPI-0989", "HAPI-0823", "HAPI-0826", "HAPI-0827");

    /**
     * A 409 body that reports a version conflict: an OperationOutcome with an issue of code
     * {@code conflict}, or whose diagnostics carry a HAPI version-conflict message code. Read,
     * never copied: the diagnostics may quote PHI.
     */
    boolean versionConflict(String body) {
        try {
            if (body != null && fhir.newJsonParser().parseResource(body) instanceof OperationOutcome outcome) {
                return outcome.getIssue().stream().anyMatch(issue -> issue.getCode() == OperationOutcome.IssueType.CONFLICT
                        || (issue.hasDiagnostics() && HAPI_VERSION_CONFLICTS.stream().anyMatch(issue.getDiagnostics()::contains)));
            }
        } catch (RuntimeException notFhir) {
            // not an OperationOutcome: a plain 409, retryable
        }
        return false;
    }

    /**
     * Whether {@link #check} treats a status as retryable (408, 409, 412, 429, 5xx); a 412, or a 409
     * reporting a version conflict, to a write guarded by If-Match is a version conflict instead,
     * which the caller resolves by reading again.
     */
    static boolean retryable(int code) {
        return code == 408 || code == 429 || code >= 500 || code == 409 || code == 412;
    }

    /** How {@link #check} ends a call with this status, for metrics: {@code ok}, {@code retryable} or {@code permanent}. */
    public static String outcome(Integer status) {
        int code = status == null ? 0 : status;
        if (code >= 200 && code < 300) {
            return "ok";
        }
        return retryable(code) ? "retryable" : "permanent";
    }

    /** The parts of a CapabilityStatement the telephone-encounter flow depends on (server mode). */
    public EmrCapabilities capabilities(@Body String body) {
        CapabilityStatement statement = fhir.newJsonParser().parseResource(CapabilityStatement.class, body);
        boolean patientSearch = false;
        boolean encounterCreate = false;
        boolean transactions = false;
        boolean batches = false;
        boolean ordersInclude = false;
        for (var rest : statement.getRest()) {
            if (rest.getMode() != null && rest.getMode() != CapabilityStatement.RestfulCapabilityMode.SERVER) {
                continue;
            }
            transactions |= rest.getInteraction().stream().anyMatch(i -> i.getCode() != null
                    && "transaction".equals(i.getCode().toCode()));
            batches |= rest.getInteraction().stream().anyMatch(i -> i.getCode() != null
                    && ("batch".equals(i.getCode().toCode()) || "transaction".equals(i.getCode().toCode())));
            for (var resource : rest.getResource()) {
                if ("MedicationRequest".equals(resource.getType())) {
                    ordersInclude |= resource.getSearchInclude().stream()
                            .anyMatch(r -> FhirRequests.INCLUDE_MEDICATION.equals(r.getValue()) || "*".equals(r.getValue()));
                }
                if ("Patient".equals(resource.getType())) {
                    patientSearch |= resource.getSearchParam().stream().anyMatch(p -> "identifier".equals(p.getName()))
                            && resource.getInteraction().stream().anyMatch(i -> i.getCode() != null
                                    && "search-type".equals(i.getCode().toCode()));
                }
                if ("Encounter".equals(resource.getType())) {
                    encounterCreate |= resource.getInteraction().stream()
                            .anyMatch(i -> i.getCode() != null && "create".equals(i.getCode().toCode()));
                }
            }
        }
        return new EmrCapabilities(statement.hasFhirVersion() ? statement.getFhirVersion().toCode() : null,
                patientSearch, encounterCreate, transactions, batches && ordersInclude);
    }

    /** The patients of a search by MRN (included resources aside), with the one that matched as answered. */
    public PatientMatch patientSearch(@Body String body) {
        Bundle bundle = bundle(body);
        return match(bundle.getEntry().stream()
                .filter(e -> e.getResource() instanceof Patient)
                .filter(e -> e.getSearch().getMode() != Bundle.SearchEntryMode.INCLUDE)
                .map(e -> (Patient) e.getResource())
                .toList(), null);
    }

    /**
     * The batch-response of {@link FhirRequests#patientWithOrders}: entry 1, the patients; entry 2,
     * the first page of their active orders with the medications. An entry the server refused
     * fails the call as its status says (as {@link #check} does); the orders' next link is followed
     * by the caller.
     */
    public FhirPages patientWithOrdersBatch(String body) {
        Bundle answer = bundle(body);
        if (answer.getType() != Bundle.BundleType.BATCHRESPONSE || answer.getEntry().size() != 2) {
            throw new EmrPermanentException("emr_rejected", 200, "EMR call " + FhirRequests.SEARCH_PATIENT_WITH_ORDERS
                    + " answered something other than a batch-response of its two searches");
        }
        List<Resource> resources = new ArrayList<>();
        String next = null;
        for (int i = 0; i < 2; i++) {
            Bundle.BundleEntryComponent entry = answer.getEntry().get(i);
            Bundle searchset = searchset(entry);
            searchset.getEntry().stream().filter(Bundle.BundleEntryComponent::hasResource).forEach(e -> resources.add(e.getResource()));
            if (i == 1) {
                next = FhirPages.nextUrl(searchset);
            }
        }
        return new FhirPages(FhirRequests.SEARCH_PATIENT_WITH_ORDERS, resources, next);
    }

    /** The searchset a batch entry answered; its refusal, typed as {@link #check} types a status. */
    private Bundle searchset(Bundle.BundleEntryComponent entry) {
        String status = entry.getResponse().getStatus();
        int code;
        try {
            code = Integer.parseInt(StringUtils.substringBefore(StringUtils.trimToEmpty(status), " "));
        } catch (NumberFormatException e) {
            code = 0;
        }
        if (code >= 200 && code < 300 && entry.getResource() instanceof Bundle searchset) {
            return searchset;
        }
        String what = "EMR call " + FhirRequests.SEARCH_PATIENT_WITH_ORDERS + " answered HTTP " + code + " for a batch entry";
        String codes = entry.getResponse().getOutcome() instanceof OperationOutcome outcome ? issueCodes(outcome) : "";
        if (retryable(code)) {
            throw new EmrRetryableException(code, what);
        }
        if (code == 401 || code == 403) {
            throw new EmrPermanentException("login_required", code, what);
        }
        throw new EmrPermanentException("emr_rejected", code, what + codes)
                .withIssueCodes(codes.isEmpty() ? "" : codes.substring(2, codes.length() - 1));
    }

    /**
     * The patients of a search by MRN that brought their orders (all pages: the patients, their
     * MedicationRequests and the Medications those name), with the matched patient's refillable orders.
     */
    public PatientMatch patientWithOrders(@Body List<Resource> resources) {
        List<Patient> patients = resources.stream().filter(Patient.class::isInstance).map(Patient.class::cast).toList();
        RefillableMedications orders = null;
        if (patients.size() == 1) {
            String patientId = patients.get(0).getIdElement().getIdPart();
            orders = refillableMedications(resources.stream()
                    .filter(r -> !(r instanceof MedicationRequest order)
                            || patientId.equals(order.getSubject().getReferenceElement().getIdPart()))
                    .toList());
        }
        return match(patients, orders);
    }

    private PatientMatch match(List<Patient> patients, RefillableMedications orders) {
        String matched = patients.size() == 1 ? fhir.newJsonParser().encodeResourceToString(patients.get(0)) : null;
        return new PatientMatch(patients.stream().map(p -> p.getIdElement().getIdPart()).distinct().toList(), orders, matched);
    }

    /** Active orders that can still be refilled: repeats left (or unstated) and not expired. */
    public RefillableMedications refillableMedications(@Body List<Resource> resources) {
        Map<String, Medication> medications = new HashMap<>();
        for (Resource resource : resources) {
            if (resource instanceof Medication m) {
                medications.put("Medication/" + m.getIdElement().getIdPart(), m);
            }
        }
        Instant now = clock.instant();
        List<RefillableMedication> refillable = new ArrayList<>();
        for (Resource resource : resources) {
            if (resource instanceof MedicationRequest order && isRefillable(order, now)) {
                String name = medicationName(order, medications);
                if (name != null) {
                    refillable.add(new RefillableMedication(order.getIdElement().getIdPart(), name));
                }
            }
        }
        return new RefillableMedications(refillable);
    }

    public EncounterCreated encounterCreated(@Body String body) {
        return new EncounterCreated(resource(body).getIdElement().getIdPart());
    }

    public EncounterDetailsAdded encounterDetailsAdded(@ExchangeProperty(ExchangeProperties.FHIR_INPUT) AddEncounterDetails input,
            @ExchangeProperty(ExchangeProperties.FHIR_DETAILS_NOT_ADDED) List<DetailNotAdded> notAdded) {
        return new EncounterDetailsAdded(input.encounterId(), notAdded);
    }

    /** Nothing of the details refused yet. */
    public List<DetailNotAdded> noDetailNotAdded() {
        return new ArrayList<>();
    }

    /** The EMR refused the Communication for good: the encounter goes on without it. */
    public void communicationNotAdded(@ExchangeProperty(ExchangeProperties.FHIR_DETAILS_NOT_ADDED) List<DetailNotAdded> notAdded,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) EmrPermanentException refused) {
        notAdded.add(new DetailNotAdded(DetailNotAdded.COMMUNICATION, refused.httpStatus(), refused.issueCodes()));
    }

    /** The EMR refused the Task for good: the encounter goes on without it. */
    public void taskNotAdded(@ExchangeProperty(ExchangeProperties.FHIR_DETAILS_NOT_ADDED) List<DetailNotAdded> notAdded,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) EmrPermanentException refused) {
        notAdded.add(new DetailNotAdded(DetailNotAdded.TASK, refused.httpStatus(), refused.issueCodes()));
    }

    public RefillAdded refillAdded() {
        return new RefillAdded();
    }

    /** Where the patient's pharmacies are kept, as read: a Patient, a List, or a Bundle of Lists. */
    public IBaseResource pharmacyList(@Body String body) {
        IBaseResource resource = resource(body);
        if (resource instanceof Patient || resource instanceof Bundle
                || resource instanceof ListResource) {
            return resource;
        }
        throw new EmrPermanentException("emr_rejected", 200, "EMR answered a pharmacy-list read with another resource type");
    }

    public Patient patient(@Body String body) {
        IBaseResource resource = resource(body);
        if (resource instanceof Patient patient) {
            return patient;
        }
        throw new EmrPermanentException("emr_rejected", 200, "EMR answered a Patient read with another resource type");
    }

    /** The encounter an action names exists: the note will be about its subject. */
    public EncounterRead encounterRead(@Body String body) {
        if (!(resource(body) instanceof Encounter encounter)) {
            throw new EmrPermanentException("emr_rejected", 200, "EMR answered an Encounter read with another resource type");
        }
        return EncounterRead.found(encounter.getSubject().hasReference() ? encounter.getSubject().getReference() : null);
    }

    /** The EMR has no such encounter (404/410, or an id that cannot name one): what it answered, for the log. */
    public EncounterRead encounterNotFound(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) EmrNotFoundException notFound) {
        return EncounterRead.notFound(notFound == null ? "EMR call read-encounter found no encounter" : notFound.getMessage());
    }

    public NoteCreated encounterNoteCreated(@Body String body) {
        return new NoteCreated(resource(body).getIdElement().getIdPart());
    }

    static boolean isRefillable(MedicationRequest order, Instant now) {
        if (order.getStatus() != MedicationRequest.MedicationRequestStatus.ACTIVE
                || order.getIntent() != MedicationRequest.MedicationRequestIntent.ORDER) {
            return false;
        }
        MedicationRequest.MedicationRequestDispenseRequestComponent dispense = order.getDispenseRequest();
        if (dispense.hasNumberOfRepeatsAllowed() && dispense.getNumberOfRepeatsAllowed() <= 0) {
            return false;
        }
        return !(dispense.hasValidityPeriod() && dispense.getValidityPeriod().hasEnd()
                && dispense.getValidityPeriod().getEnd().toInstant().isBefore(now));
    }

    static String medicationName(MedicationRequest order, Map<String, Medication> included) {
        if (order.hasMedicationCodeableConcept()) {
            return conceptName(order.getMedicationCodeableConcept());
        }
        if (order.hasMedicationReference()) {
            Medication medication = included.get(order.getMedicationReference().getReference());
            if (medication != null && medication.hasCode()) {
                return conceptName(medication.getCode());
            }
            return order.getMedicationReference().getDisplay();
        }
        return null;
    }

    private static String conceptName(CodeableConcept concept) {
        if (concept.hasText()) {
            return concept.getText();
        }
        return concept.getCoding().stream().filter(c -> c.hasDisplay()).map(c -> c.getDisplay()).findFirst().orElse(null);
    }

    Bundle bundle(String body) {
        IBaseResource resource = resource(body);
        if (resource instanceof Bundle bundle) {
            return bundle;
        }
        throw new EmrPermanentException("emr_rejected", 200, "EMR answered a search with something other than a Bundle");
    }

    IBaseResource resource(String body) {
        try {
            return fhir.newJsonParser().parseResource(body);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new EmrPermanentException("emr_rejected", 200, "EMR answer is not FHIR JSON");
        }
    }

    private String codes(String body) {
        String codes = issueCodes(body);
        return codes.isEmpty() ? "" : codes.substring(2, codes.length() - 1);
    }

    /** The OperationOutcome's issue codes (never its free text, which may quote PHI). */
    private String issueCodes(String body) {
        try {
            if (fhir.newJsonParser().parseResource(body) instanceof OperationOutcome outcome) {
                return issueCodes(outcome);
            }
        } catch (RuntimeException ignored) {
            // not an OperationOutcome: the status says enough
        }
        return "";
    }

    private static String issueCodes(OperationOutcome outcome) {
        if (!outcome.hasIssue()) {
            return "";
        }
        return " (" + String.join(", ", outcome.getIssue().stream()
                .map(i -> i.getCode() == null ? "unknown" : i.getCode().toCode()).toList()) + ")";
    }
}
