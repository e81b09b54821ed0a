package org.telenc.engine.encounter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.emr.EmrException;
import org.telenc.engine.emr.EmrOperations.AddEncounterDetails;
import org.telenc.engine.emr.EmrOperations.AddRefill;
import org.telenc.engine.emr.EmrOperations.CreateEncounter;
import org.telenc.engine.emr.EmrOperations.EncounterCreated;
import org.telenc.engine.emr.EmrOperations.EnsurePatientPharmacy;
import org.telenc.engine.emr.EmrOperations.FindPatient;
import org.telenc.engine.emr.EmrOperations.ListRefillableMedications;
import org.telenc.engine.emr.EmrOperations.Named;
import org.telenc.engine.emr.EmrOperations.PatientMatch;
import org.telenc.engine.emr.EmrOperations.PharmacyEnsured;
import org.telenc.engine.emr.EmrOperations.RefillAdded;
import org.telenc.engine.emr.EmrOperations.RefillableMedication;
import org.telenc.engine.intake.RequestField;
import org.telenc.engine.intake.TelephoneEncounterRequest;
import org.telenc.engine.reference.ReferenceRepository;
import org.telenc.engine.tenancy.TenancyRepository;

/** Turns a queue message back into a job and enriches it with the reference rows. */
@Component("encounterJobs")
public class EncounterJobs {

    private static final Logger log = LoggerFactory.getLogger(EncounterJobs.class);
    /** The queue message's count of tries at the EMR so far (absent on the first). */
    static final String EMR_ATTEMPT = "emr_attempt";

    private final EncounterRepository encounters;
    private final TenancyRepository tenancy;
    private final ReferenceRepository references;
    private final EmrConnections connections;
    private final ObjectMapper json;
    private final EmrRetryPolicy retryPolicy;

    public EncounterJobs(EncounterRepository encounters, TenancyRepository tenancy, ReferenceRepository references,
            EmrConnections connections, ObjectMapper json, EmrRetryPolicy retryPolicy) {
        this.encounters = encounters;
        this.tenancy = tenancy;
        this.references = references;
        this.connections = connections;
        this.json = json;
        this.retryPolicy = retryPolicy;
    }

    /** The job of a queue message, or null when no such encounter is stored (its intake was undone). */
    public EncounterJob start(@Body String message) throws Exception {
        JsonNode queued = json.readTree(message);
        String id = queued.path("telephone_encounter_id").asText();
        int emrAttempt = Math.max(1, queued.path(EMR_ATTEMPT).asInt(1));
        Optional<EncounterRepository.EncounterRow> row = encounters.find(id);
        Optional<String> payload = encounters.payload(id);
        boolean finishedAndPurged = row.isPresent() && payload.isEmpty() && !"processing".equals(row.get().status());
        if (finishedAndPurged) {
            payload = Optional.of("{}"); // retention purged it; a finished job only re-queues its deliveries
        }
        if (row.isEmpty() || payload.isEmpty()) {
            log.warn("queue message for unknown telephone encounter {} discarded", id);
            return null;
        }
        EncounterRepository.EncounterRow encounter = row.get();
        encounters.markStarted(id);
        String referenceId = tenancy.tokenReferenceId(encounter.accessTokenId());
        boolean finished = !"processing".equals(encounter.status());
        log.info("processing telephone encounter {} job {} (EMR try {}){}", id, encounter.jobId(), emrAttempt,
                finished ? " (already finished)" : "");
        return new EncounterJob(id, encounter.jobId(), encounter.clientPk(), referenceId,
                connections.get(encounter.connectionId()), request(payload.get()), finished, encounter.createdAt(), emrAttempt);
    }

    public EncounterJob enrich(@ExchangeProperty("job") EncounterJob job) {
        if (job.getConnection().isExpired()) {
            log.warn("telephone encounter {}: its EMR connection's link is expired", job.getTelephoneEncounterId());
            job.fail("login_required", "The EMR refused the engine's credentials; the account link must be set up again");
            return job;
        }
        String connection = job.getConnection().id();
        TelephoneEncounterRequest request = job.getRequest();
        references.provider(connection, request.getProviderId()).ifPresent(job::setProvider);
        references.location(connection, request.getLocationId()).ifPresent(job::setLocation);
        references.staffMember(connection, request.getAssignedToId()).ifPresent(job::setAssignee);
        if (request.getPharmacyEhrId() != null) {
            references.pharmacy(connection, request.getPharmacyEhrId()).ifPresent(job::setPharmacy);
        }
        return job;
    }

    /** A step after the encounter exists failed for good: the encounter stands, partially. */
    public EncounterJob refillNotAdded(@ExchangeProperty("job") EncounterJob job,
            @ExchangeProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT) Exception failure) {
        if (deferred(job, failure)) {
            return job;
        }
        log.warn("refill not added to telephone encounter {}: {}", job.getTelephoneEncounterId(), safe(failure));
        job.partial("refill_not_added", "The refill request could not be added to the encounter: " + describe(failure));
        return job;
    }

    public EncounterJob pharmacyNotAdded(@ExchangeProperty("job") EncounterJob job,
            @ExchangeProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT) Exception failure) {
        if (deferred(job, failure)) {
            return job;
        }
        log.warn("pharmacy not added for telephone encounter {}: {}", job.getTelephoneEncounterId(), safe(failure));
        job.partial("pharmacy_not_added", "The pharmacy could not be added to the patient's pharmacy list: " + describe(failure));
        return job;
    }

    /** An EMR failure before the encounter existed: the job fails. */
    public EncounterJob emrFailed(@ExchangeProperty("job") EncounterJob job,
            @ExchangeProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT) Exception failure) {
        if (deferred(job, failure)) {
            return job;
        }
        log.warn("telephone encounter {} failed at the EMR: {}", job.getTelephoneEncounterId(), safe(failure));
        String code = failure instanceof EmrException e ? e.reasonCode() : "emr_unavailable";
        job.fail(code, describe(failure));
        return job;
    }

    /**
     * A retryable failure (I/O, timeout, 408/429/5xx) within the retry window defers the whole job:
     * it goes back on the queue through the broker scheduler and is tried again from the start,
     * which is safe because every EMR write is a conditional create on a job-scoped identifier.
     */
    private boolean deferred(EncounterJob job, Exception failure) {
        if (!EmrRetryPolicy.retryable(failure)) {
            return false;
        }
        var delay = retryPolicy.delayAfter(job.getEmrAttempt(), job.getAcceptedAt());
        if (delay.isEmpty()) {
            log.warn("telephone encounter {}: EMR retry window used up after try {}", job.getTelephoneEncounterId(),
                    job.getEmrAttempt());
            return false;
        }
        job.defer(delay.getAsLong());
        log.info("telephone encounter {}: EMR try {} failed ({}), next try in {} ms", job.getTelephoneEncounterId(),
                job.getEmrAttempt(), safe(failure), delay.getAsLong());
        return true;
    }

    /** The queue message of the job's next try. */
    public String retryMessage(@ExchangeProperty("job") EncounterJob job) {
        return json.createObjectNode().put("telephone_encounter_id", job.getTelephoneEncounterId())
                .put(EMR_ATTEMPT, job.getEmrAttempt() + 1).toString();
    }

    /** Our EMR exceptions carry only operation and status; any other message could quote a URL. */
    public static String safe(Exception failure) {
        return failure instanceof EmrException ? failure.getMessage() : failure.getClass().getSimpleName();
    }

    /** The webhook description of an EMR failure (status only, never a body). */
    public static String describe(Exception failure) {
        if (failure instanceof EmrException e) {
            return switch (e.reasonCode()) {
                case "login_required" -> "The EMR refused the engine's credentials (HTTP " + e.httpStatus() + ")";
                case "emr_unavailable" -> "The EMR was unavailable (HTTP " + e.httpStatus() + ")";
                default -> e.httpStatus() == 0 ? "The EMR connection does not support this step"
                        : "The EMR rejected the request (HTTP " + e.httpStatus()
                                + (e.issueCodes().isEmpty() ? "" : "; issues: " + e.issueCodes()) + ")";
            };
        }
        return "The EMR could not be reached";
    }

    private TelephoneEncounterRequest request(String payload) throws Exception {
        JsonNode node = json.readTree(payload);
        Map<RequestField, String> values = new LinkedHashMap<>();
        for (RequestField field : RequestField.values()) {
            JsonNode value = node.get(field.jsonName());
            if (value != null && !value.isNull()) {
                values.put(field, value.asText());
            }
        }
        return new TelephoneEncounterRequest(values, Map.of());
    }

    // The EMR operations (EmrOperations): each adapter input built from the job, each result
    // handed back to the job, which decides what it means.

    public FindPatient findPatientInput(@ExchangeProperty("job") EncounterJob job) {
        return new FindPatient(job.getRequest().getPatientMrn());
    }

    /** Exactly one patient has the MRN: the job goes on with it; none or several: patient_not_found. */
    public void patientFound(@ExchangeProperty("job") EncounterJob job, @Body PatientMatch match) {
        if (match.patientId() != null) {
            job.setPatientId(match.patientId());
        } else if (match.patientIds().isEmpty()) {
            job.fail("patient_not_found", "No patient with this MRN was found in the EMR");
        } else {
            job.fail("patient_not_found", "More than one patient in the EMR has this MRN");
        }
    }

    public ListRefillableMedications refillableMedicationsInput(@ExchangeProperty("job") EncounterJob job) {
        return new ListRefillableMedications(job.getPatientId());
    }

    /** The medication the caller asked for among the refillable ones: the matched order, or the failure with its list. */
    public void medicationMatched(@ExchangeProperty("job") EncounterJob job, @Body MedicationMatcher.Match match) {
        if (match instanceof MedicationMatcher.Matched m) {
            job.setMatchedMedication(new EncounterJob.RefillableMedication(m.medication().orderId(), m.medication().name()));
        } else if (match instanceof MedicationMatcher.Ambiguous a) {
            job.fail("medication_ambiguous", "More than one refillable medication matches the requested name");
            job.setAvailableMedications(a.candidates());
        } else if (match instanceof MedicationMatcher.NotFound n) {
            job.fail("medication_not_found", "No refillable medication matches the requested name");
            job.setAvailableMedications(n.available());
        }
    }

    public CreateEncounter createEncounterInput(@ExchangeProperty("job") EncounterJob job) {
        TelephoneEncounterRequest request = job.getRequest();
        return new CreateEncounter(job.getTelephoneEncounterId(), job.getPatientId(), request.highPriority(),
                new Named(request.getProviderId(), job.getProvider() == null ? null : job.getProvider().name()),
                new Named(request.getLocationId(), job.getLocation() == null ? null : job.getLocation().name()),
                request.getReason(), request.getTemplateName());
    }

    /** The encounter exists from here on, even if a later step fails. */
    public void encounterCreated(@ExchangeProperty("job") EncounterJob job, @Body EncounterCreated created) {
        job.setEncounterId(created.encounterId());
    }

    public AddEncounterDetails encounterDetailsInput(@ExchangeProperty("job") EncounterJob job) {
        TelephoneEncounterRequest request = job.getRequest();
        return new AddEncounterDetails(job.getTelephoneEncounterId(), job.getPatientId(), job.getEncounterId(),
                request.highPriority(), request.getCaller(), request.getMessage(),
                new Named(request.getAssignedToId(), job.getAssignee() == null ? null : job.getAssignee().name()));
    }

    public AddRefill refillInput(@ExchangeProperty("job") EncounterJob job) {
        TelephoneEncounterRequest request = job.getRequest();
        EncounterJob.RefillableMedication matched = job.getMatchedMedication();
        return new AddRefill(job.getTelephoneEncounterId(), job.getPatientId(), job.getEncounterId(),
                new RefillableMedication(matched.orderId(), matched.name()), request.getProviderId(),
                request.getPharmacyEhrId() == null ? null : pharmacy(job));
    }

    public void refillAdded(@ExchangeProperty("job") EncounterJob job, @Body RefillAdded added) {
        job.setRefillAdded(true);
    }

    public EnsurePatientPharmacy pharmacyInput(@ExchangeProperty("job") EncounterJob job) {
        return new EnsurePatientPharmacy(job.getPatientId(), pharmacy(job));
    }

    public void pharmacyEnsured(@ExchangeProperty("job") EncounterJob job, @Body PharmacyEnsured ensured) {
        job.setPharmacyAdded(true);
    }

    private static Named pharmacy(EncounterJob job) {
        return new Named(job.getRequest().getPharmacyEhrId(), job.getPharmacy() == null ? null : job.getPharmacy().name());
    }
}
