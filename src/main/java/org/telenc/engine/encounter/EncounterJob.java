package org.telenc.engine.encounter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.extension.ExtensionPoint;
import org.telenc.engine.emr.EmrOperations.RefillableMedication;
import org.telenc.engine.job.EmrJob;
import org.telenc.engine.job.JobHeader;
import org.telenc.engine.job.JobOutcome;
import org.telenc.engine.emr.ReferenceRecords;

/**
 * One queued telephone encounter request while it is processed, a kind of {@link EmrJob}: what was
 * asked, the rows it was enriched with, what the EMR answered so far, and the reasons it was only
 * partly done. The adapter routes read it and the encounter beans record into it; the process flow
 * branches on {@link #outcome()}.
 */
public class EncounterJob extends EmrJob {

    private TelephoneEncounterRequest request;

    private ReferenceRecords.Provider provider;
    private ReferenceRecords.Location location;
    private ReferenceRecords.Staff assignee;
    private ReferenceRecords.Pharmacy pharmacy;

    private String patientId;
    private RefillableMedication matchedMedication;
    private String encounterId;
    private boolean refillAdded;
    private boolean pharmacyAdded;
    private final List<Reason> partialReasons = new ArrayList<>();
    private List<String> availableMedications = List.of();
    private boolean batchedWrite;
    private boolean ordersInSearch;
    private List<RefillableMedication> refillableMedications;
    private String patientResource;
    private List<String> patientCandidates = List.of();
    private List<RefillableMedication> medicationCandidates = List.of();
    private boolean matchReviewed;

    public EncounterJob(JobHeader header, TelephoneEncounterRequest request) {
        super(header);
        this.request = request;
    }

    public EncounterJob(String telephoneEncounterId, long jobId, String clientPk, String accessTokenReferenceId,
            EmrConnection connection, TelephoneEncounterRequest request, boolean alreadyFinished, Instant acceptedAt,
            int emrAttempt) {
        this(new JobHeader(telephoneEncounterId, jobId, clientPk, accessTokenReferenceId, connection, alreadyFinished,
                acceptedAt, emrAttempt), request);
    }

    /** created, created_partial or failed; null while still pending or deferred. */
    @Override
    public Outcome outcome() {
        if (deferred()) {
            return null;
        }
        if (!failures().isEmpty()) {
            return Outcome.FAILED;
        }
        if (encounterId == null) {
            return null;
        }
        return partialReasons.isEmpty() ? Outcome.CREATED : Outcome.CREATED_PARTIAL;
    }

    @Override
    protected Outcome failedOutcome() {
        return Outcome.FAILED;
    }

    @Override
    protected String kindName() {
        return "telephone encounter";
    }

    /** A created encounter carries its partial reasons; a failed one its failures. */
    @Override
    protected List<Reason> reasonsOf(JobOutcome outcome) {
        return outcome.isFailure() ? failures() : partialReasons();
    }

    public boolean refillRequested() {
        return request.getRefillMedicationName() != null;
    }

    public boolean pharmacyRequested() {
        return request.getPharmacyEhrId() != null;
    }

    public void partial(String code, String description) {
        partialReasons.add(new Reason(code, description));
    }

    public String telephoneEncounterId() {
        return requestId();
    }

    public TelephoneEncounterRequest request() {
        return request;
    }

    /** The request as the connection's before-emr extension mapped it (only its allowed fields differ). */
    public void remap(TelephoneEncounterRequest mapped) {
        this.request = mapped;
    }

    public ReferenceRecords.Provider provider() {
        return provider;
    }

    public void recordProvider(ReferenceRecords.Provider provider) {
        this.provider = provider;
    }

    public ReferenceRecords.Location location() {
        return location;
    }

    public void recordLocation(ReferenceRecords.Location location) {
        this.location = location;
    }

    public ReferenceRecords.Staff assignee() {
        return assignee;
    }

    public void recordAssignee(ReferenceRecords.Staff assignee) {
        this.assignee = assignee;
    }

    public ReferenceRecords.Pharmacy pharmacy() {
        return pharmacy;
    }

    public void recordPharmacy(ReferenceRecords.Pharmacy pharmacy) {
        this.pharmacy = pharmacy;
    }

    public String patientId() {
        return patientId;
    }

    public void recordPatient(String patientId) {
        this.patientId = patientId;
    }

    public RefillableMedication matchedMedication() {
        return matchedMedication;
    }

    public void recordMatchedMedication(RefillableMedication matchedMedication) {
        this.matchedMedication = matchedMedication;
    }

    public String encounterId() {
        return encounterId;
    }

    public void recordEncounter(String encounterId) {
        this.encounterId = encounterId;
    }

    public boolean refillAdded() {
        return refillAdded;
    }

    public void recordRefillAdded() {
        this.refillAdded = true;
    }

    public boolean pharmacyAdded() {
        return pharmacyAdded;
    }

    public void recordPharmacyAdded() {
        this.pharmacyAdded = true;
    }

    public List<Reason> partialReasons() {
        return List.copyOf(partialReasons);
    }

    public List<String> availableMedications() {
        return availableMedications;
    }

    public void recordAvailableMedications(List<String> availableMedications) {
        this.availableMedications = List.copyOf(availableMedications);
    }

    /**
     * How the job talks to its EMR: {@code batchedWrite}, the encounter with its details, refill and
     * pharmacy in one write (write-encounter); {@code ordersInSearch}, the patient's orders found
     * with the patient. Both false: one operation per step.
     */
    public void recordBatching(boolean batchedWrite, boolean ordersInSearch) {
        this.batchedWrite = batchedWrite;
        this.ordersInSearch = ordersInSearch;
    }

    public boolean batchedWrite() {
        return batchedWrite;
    }

    public boolean ordersInSearch() {
        return ordersInSearch;
    }

    /** A refill is asked and the patient's refillable orders are not known yet. */
    public boolean medicationsToList() {
        return refillRequested() && refillableMedications == null;
    }

    public List<RefillableMedication> refillableMedications() {
        return refillableMedications == null ? List.of() : refillableMedications;
    }

    public void recordRefillableMedications(List<RefillableMedication> medications) {
        this.refillableMedications = List.copyOf(medications);
    }

    /** A matched refill not yet written. */
    public boolean refillToAdd() {
        return matchedMedication != null && !refillAdded;
    }

    /** An asked pharmacy not yet on the patient's list. */
    public boolean pharmacyToAdd() {
        return pharmacyRequested() && !pharmacyAdded;
    }

    /** The matched patient as find-patient answered it (the adapter's form; PHI), or null. */
    public String patientResource() {
        return patientResource;
    }

    public void recordPatientResource(String patientResource) {
        this.patientResource = patientResource;
    }

    /** The patients that have the MRN when there are several and the connection's after-match hook may choose one. */
    public List<String> patientCandidates() {
        return patientCandidates;
    }

    public void recordPatientCandidates(List<String> ids) {
        this.patientCandidates = List.copyOf(ids);
    }

    /** Several patients have the MRN, none chosen yet: the after-match hook may choose one. */
    public boolean patientsToNarrow() {
        return patientId == null && patientCandidates.size() > 1;
    }

    /** The refill orders that match the requested name (one when matched, several when ambiguous). */
    public List<RefillableMedication> medicationCandidates() {
        return medicationCandidates;
    }

    public void recordMedicationCandidates(List<RefillableMedication> candidates) {
        this.medicationCandidates = List.copyOf(candidates);
    }

    /** The patient is known and the connection's after-match hook has not seen the match yet. */
    public boolean matchToReview() {
        return patientId != null && !matchReviewed
                && ExtensionPoint.AFTER_MATCH.namedBy(connection());
    }

    public void recordMatchReviewed() {
        this.matchReviewed = true;
    }

    /** Ids only: the request and the matched medication are PHI. */
    @Override
    public String toString() {
        return "EncounterJob[" + telephoneEncounterId() + ", job " + jobId() + "]";
    }
}
