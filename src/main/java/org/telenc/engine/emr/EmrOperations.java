package org.telenc.engine.emr;

import java.time.Instant;
import java.util.List;
import org.telenc.engine.routes.ExchangeProperties;

/**
 * The adapter contract of the job operations, as values. Every {@code direct:emr-<type>-<operation>}
 * route of a job takes the job's {@link EmrConnection} in the exchange property
 * {@link ExchangeProperties#EMR_CONNECTION} and the operation's input record as the body, and
 * leaves the operation's result record as the body; an EMR failure is thrown
 * ({@link EmrPermanentException}, {@link EmrRetryableException},
 * {@link EmrNotFoundException}). The adapter knows no job: the calling flow builds the input from
 * its job and hands the result back to the job, which decides what it means.
 */
public final class EmrOperations {

    private EmrOperations() {
    }

    /**
     * A synced row the EMR is told about: its ehr id and, when synced, its name (the display of
     * the reference).
     */
    public record Named(String ehrId, String name) {
    }

    /** A refillable order of the patient: the order's EMR id and the medication's display name. */
    public record RefillableMedication(String orderId, String name) {

        /** Ids only: the name is PHI. */
        @Override
        public String toString() {
            return "RefillableMedication[" + orderId + "]";
        }
    }

    /**
     * find-patient: the patient with this MRN; {@code withOrders}: in the same search, its orders
     * and their medications (a server that can answer them with the patient: _revinclude).
     */
    public record FindPatient(String mrn, boolean withOrders) {

        public FindPatient(String mrn) {
            this(mrn, false);
        }

        /** Ids only: the MRN is PHI. */
        @Override
        public String toString() {
            return "FindPatient[]";
        }
    }

    /**
     * find-patient's result: the EMR ids of the patients with the MRN (one when it is a match);
     * when asked {@code withOrders}, the refillable orders found with the patient (else null); and
     * the matched patient as the EMR answered it ({@code patientResource}, the adapter's own form,
     * opaque to the flow; null when none or several), which a later write may change under its version.
     */
    public record PatientMatch(List<String> patientIds, RefillableMedications orders, String patientResource) {

        public PatientMatch {
            patientIds = List.copyOf(patientIds);
        }

        public PatientMatch(List<String> patientIds) {
            this(patientIds, null, null);
        }

        /** Ids only: the patient and its orders are PHI. */
        @Override
        public String toString() {
            return "PatientMatch[" + patientIds + "]";
        }

        /** The patient's id when exactly one has the MRN, else null. */
        public String patientId() {
            return patientIds.size() == 1 ? patientIds.get(0) : null;
        }
    }

    /** list-refillable-medications: the patient's active orders. */
    public record ListRefillableMedications(String patientId) {
    }

    /** list-refillable-medications' result: the orders that can still be refilled. */
    public record RefillableMedications(List<RefillableMedication> medications) {

        public RefillableMedications {
            medications = List.copyOf(medications);
        }

        /** The count only: the names are PHI. */
        @Override
        public String toString() {
            return "RefillableMedications[" + medications.size() + "]";
        }
    }

    /**
     * create-encounter: a telephone encounter of the patient, identified by {@code jobKey} (the
     * telephone encounter id, so a redelivered job finds what it wrote).
     */
    public record CreateEncounter(String jobKey, String patientId, boolean highPriority, Named provider, Named location,
            String reason, String templateName) {

        /** Ids only: the reason is PHI. */
        @Override
        public String toString() {
            return "CreateEncounter[" + jobKey + "]";
        }
    }

    /** create-encounter's result: the EMR id of the encounter (created now or found from an earlier try). */
    public record EncounterCreated(String encounterId) {
    }

    /**
     * add-encounter-details: on the created encounter, the call (caller and message; nothing when
     * neither was given) and the assignee's follow-up task.
     */
    public record AddEncounterDetails(String jobKey, String patientId, String encounterId, boolean highPriority,
            String caller, String message, Named assignee) {

        /** Ids only: the caller and message is PHI. */
        @Override
        public String toString() {
            return "AddEncounterDetails[" + jobKey + "]";
        }
    }

    /**
     * add-encounter-details' result: {@code notAdded}, what the EMR refused for good (each an
     * {@link DetailNotAdded}); the encounter stands without it, and the job ends created_partial.
     */
    public record EncounterDetailsAdded(String encounterId, List<DetailNotAdded> notAdded) {

        public EncounterDetailsAdded {
            notAdded = notAdded == null ? List.of() : List.copyOf(notAdded);
        }

        public EncounterDetailsAdded(String encounterId) {
            this(encounterId, List.of());
        }
    }

    /**
     * A part of the encounter's details the EMR refused for good: {@code what}, {@code communication}
     * (the caller and message) or {@code task} (the assignee's task); the refusal's HTTP status and
     * OperationOutcome issue codes (never the EMR's text).
     */
    public record DetailNotAdded(String what, int httpStatus, String issueCodes) {

        public static final String COMMUNICATION = "communication";
        public static final String TASK = "task";
    }

    /**
     * add-refill: a refill request on the encounter, based on the matched order, by the provider,
     * for the pharmacy (null when none was asked for).
     */
    public record AddRefill(String jobKey, String patientId, String encounterId, RefillableMedication medication,
            String providerId, Named pharmacy) {

        /** Ids only: the medication is PHI. */
        @Override
        public String toString() {
            return "AddRefill[" + jobKey + "]";
        }
    }

    /** add-refill's result: the refill request stands in the EMR. */
    public record RefillAdded() {
    }

    /** ensure-patient-pharmacy: the pharmacy on the patient's pharmacy list. */
    public record EnsurePatientPharmacy(String patientId, Named pharmacy) {
    }

    /** ensure-patient-pharmacy's result: an answer of the EMR showed the list holding the pharmacy. */
    public record PharmacyEnsured(String pharmacyEhrId) {
    }

    /**
     * write-encounter: the encounter, its details, and, when asked, the refill ({@code refill}, null
     * when none) and the pharmacy ({@code pharmacy}, null when none) in one write, on a server that
     * takes them together; {@code patientResource} is find-patient's (for the pharmacy change).
     * The {@code encounterId} of {@code details} and {@code refill} is null: the write links them.
     */
    public record WriteEncounter(CreateEncounter encounter, AddEncounterDetails details, AddRefill refill,
            EnsurePatientPharmacy pharmacy, String patientResource) {

        /** Ids only: the request's texts and the patient are PHI. */
        @Override
        public String toString() {
            return "WriteEncounter[" + encounter.jobKey() + "]";
        }
    }

    /**
     * write-encounter's result: the encounter with its details stands; whether the refill and the
     * pharmacy were written with it (false: the flow adds them one by one, as without write-encounter).
     */
    public record EncounterWritten(String encounterId, boolean refillAdded, boolean pharmacyAdded) {
    }

    /** read-encounter: the encounter an action names. */
    public record ReadEncounter(String encounterId) {
    }

    /**
     * read-encounter's result: found, with the encounter's subject as the EMR holds it (e.g.
     * {@code Patient/123}, or null), or not found, with what the EMR answered (operation and status,
     * never a body).
     */
    public record EncounterRead(boolean found, String subject, String notFound) {

        public static EncounterRead found(String subject) {
            return new EncounterRead(true, subject, null);
        }

        public static EncounterRead notFound(String detail) {
            return new EncounterRead(false, null, detail);
        }
    }

    /**
     * add-encounter-note: the note line (PHI) on the encounter, written as the author, identified
     * by {@code actionId} (so a redelivered action finds its note).
     */
    public record AddEncounterNote(String actionId, String encounterId, String subject, Named author, boolean highPriority,
            Instant notedAt, String noteLine) {

        /** Ids only: the note line is PHI. */
        @Override
        public String toString() {
            return "AddEncounterNote[" + actionId + "]";
        }
    }

    /** add-encounter-note's result: the EMR id of the note. */
    public record NoteCreated(String noteId) {
    }
}
