package org.telenc.engine.encounter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.intake.TelephoneEncounterRequest;
import org.telenc.engine.reference.ReferenceRecords;

/**
 * One queued request while it is processed: what was asked, the rows it was enriched with, what the
 * EMR answered so far, and the reasons of any failure. The adapter routes read it and the
 * encounter beans record into it; the process flow branches on {@link #outcome()}.
 */
public class EncounterJob {

    private final String telephoneEncounterId;
    private final long jobId;
    private final String clientPk;
    private final String accessTokenReferenceId;
    private final EmrConnection connection;
    private final TelephoneEncounterRequest request;
    private final boolean alreadyFinished;
    private final Instant acceptedAt;
    private final int emrAttempt;
    private Long retryDelayMillis;

    private ReferenceRecords.Provider provider;
    private ReferenceRecords.Location location;
    private ReferenceRecords.Staff assignee;
    private ReferenceRecords.Pharmacy pharmacy;

    private String patientId;
    private List<RefillableMedication> refillableMedications = List.of();
    private RefillableMedication matchedMedication;
    private String encounterId;
    private boolean refillAdded;
    private boolean pharmacyAdded;
    private final List<Reason> failures = new ArrayList<>();
    private final List<Reason> partialReasons = new ArrayList<>();
    private List<String> availableMedications = List.of();

    public EncounterJob(String telephoneEncounterId, long jobId, String clientPk, String accessTokenReferenceId,
            EmrConnection connection, TelephoneEncounterRequest request, boolean alreadyFinished, Instant acceptedAt,
            int emrAttempt) {
        this.telephoneEncounterId = telephoneEncounterId;
        this.jobId = jobId;
        this.clientPk = clientPk;
        this.accessTokenReferenceId = accessTokenReferenceId;
        this.connection = connection;
        this.request = request;
        this.alreadyFinished = alreadyFinished;
        this.acceptedAt = acceptedAt;
        this.emrAttempt = emrAttempt;
    }

    /** A reason as webhooks carry it. */
    public record Reason(String code, String description) {
    }

    /** A refillable order of the patient: the order's EMR id and the medication's display name. */
    public record RefillableMedication(String orderId, String name) {
    }

    /** created, created_partial or failed; null while still pending or deferred. */
    public Outcome outcome() {
        if (isDeferred()) {
            return null;
        }
        if (!failures.isEmpty()) {
            return Outcome.FAILED;
        }
        if (encounterId == null) {
            return null;
        }
        return partialReasons.isEmpty() ? Outcome.CREATED : Outcome.CREATED_PARTIAL;
    }

    /** True while nothing has failed or been deferred: the flow goes on to the next EMR step. */
    public boolean isPending() {
        return failures.isEmpty() && !isDeferred();
    }

    /** The EMR failed retryably within the retry window: this try ends, the job is re-queued. */
    public void defer(long delayMillis) {
        this.retryDelayMillis = delayMillis;
    }

    public boolean isDeferred() {
        return retryDelayMillis != null;
    }

    public Long getRetryDelayMillis() {
        return retryDelayMillis;
    }

    /** When the request was accepted: the EMR retry window counts from here. */
    public Instant getAcceptedAt() {
        return acceptedAt;
    }

    /** 1 for the first try at the EMR, 2 after one deferral, and so on. */
    public int getEmrAttempt() {
        return emrAttempt;
    }

    public boolean refillRequested() {
        return request.getRefillMedicationName() != null;
    }

    public boolean pharmacyRequested() {
        return request.getPharmacyEhrId() != null;
    }

    public void fail(String code, String description) {
        failures.add(new Reason(code, description));
    }

    public void partial(String code, String description) {
        partialReasons.add(new Reason(code, description));
    }

    public String getTelephoneEncounterId() {
        return telephoneEncounterId;
    }

    public long getJobId() {
        return jobId;
    }

    public String getClientPk() {
        return clientPk;
    }

    public String getAccessTokenReferenceId() {
        return accessTokenReferenceId;
    }

    public EmrConnection getConnection() {
        return connection;
    }

    /** The adapter family of this job's connection, which names the routes to call. */
    public String getEmrType() {
        return connection.emrType();
    }

    public TelephoneEncounterRequest getRequest() {
        return request;
    }

    public boolean isAlreadyFinished() {
        return alreadyFinished;
    }

    public ReferenceRecords.Provider getProvider() {
        return provider;
    }

    public void setProvider(ReferenceRecords.Provider provider) {
        this.provider = provider;
    }

    public ReferenceRecords.Location getLocation() {
        return location;
    }

    public void setLocation(ReferenceRecords.Location location) {
        this.location = location;
    }

    public ReferenceRecords.Staff getAssignee() {
        return assignee;
    }

    public void setAssignee(ReferenceRecords.Staff assignee) {
        this.assignee = assignee;
    }

    public ReferenceRecords.Pharmacy getPharmacy() {
        return pharmacy;
    }

    public void setPharmacy(ReferenceRecords.Pharmacy pharmacy) {
        this.pharmacy = pharmacy;
    }

    public String getPatientId() {
        return patientId;
    }

    public void setPatientId(String patientId) {
        this.patientId = patientId;
    }

    public List<RefillableMedication> getRefillableMedications() {
        return refillableMedications;
    }

    public void setRefillableMedications(List<RefillableMedication> refillableMedications) {
        this.refillableMedications = List.copyOf(refillableMedications);
    }

    public RefillableMedication getMatchedMedication() {
        return matchedMedication;
    }

    public void setMatchedMedication(RefillableMedication matchedMedication) {
        this.matchedMedication = matchedMedication;
    }

    public String getEncounterId() {
        return encounterId;
    }

    public void setEncounterId(String encounterId) {
        this.encounterId = encounterId;
    }

    public boolean isRefillAdded() {
        return refillAdded;
    }

    public void setRefillAdded(boolean refillAdded) {
        this.refillAdded = refillAdded;
    }

    public boolean isPharmacyAdded() {
        return pharmacyAdded;
    }

    public void setPharmacyAdded(boolean pharmacyAdded) {
        this.pharmacyAdded = pharmacyAdded;
    }

    public List<Reason> getFailures() {
        return List.copyOf(failures);
    }

    public List<Reason> getPartialReasons() {
        return List.copyOf(partialReasons);
    }

    public List<String> getAvailableMedications() {
        return availableMedications;
    }

    public void setAvailableMedications(List<String> availableMedications) {
        this.availableMedications = List.copyOf(availableMedications);
    }

    /** Ids only: the request and the matched medication are PHI. */
    @Override
    public String toString() {
        return "EncounterJob[" + telephoneEncounterId + ", job " + jobId + "]";
    }
}
