package org.telenc.engine.encounter;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrOperations.AddEncounterDetails;
import org.telenc.engine.emr.EmrOperations.AddRefill;
import org.telenc.engine.emr.EmrOperations.CreateEncounter;
import org.telenc.engine.emr.EmrOperations.DetailNotAdded;
import org.telenc.engine.emr.EmrOperations.EncounterCreated;
import org.telenc.engine.emr.EmrOperations.EncounterDetailsAdded;
import org.telenc.engine.emr.EmrOperations.EnsurePatientPharmacy;
import org.telenc.engine.emr.EmrOperations.FindPatient;
import org.telenc.engine.emr.EmrOperations.ListRefillableMedications;
import org.telenc.engine.emr.EmrOperations.Named;
import org.telenc.engine.emr.EmrOperations.PatientMatch;
import org.telenc.engine.emr.EmrOperations.PharmacyEnsured;
import org.telenc.engine.emr.EmrOperations.RefillAdded;
import org.telenc.engine.emr.EmrOperations.RefillableMedications;
import org.telenc.engine.emr.EmrOperations.EncounterWritten;
import org.telenc.engine.emr.EmrOperations.WriteEncounter;
import org.telenc.engine.emr.EmrAdapters;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrOperations.RefillableMedication;
import org.telenc.engine.extension.EmrRefusal;
import org.telenc.engine.extension.ExtensionPoint;
import org.telenc.engine.extension.Extensions;
import org.telenc.engine.extension.MatchCandidates;
import org.telenc.engine.job.EmrFailures;
import org.telenc.engine.job.JobFaults;
import org.telenc.engine.job.JobQueue;
import org.telenc.engine.reference.ReferenceRepository;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.routes.MessageHeaders;

/** Turns a queue message back into a job and enriches it with the reference rows. */
@Component("encounterJobs")
public class EncounterJobs {

    private static final Logger log = LoggerFactory.getLogger(EncounterJobs.class);

    /** The adapter operation that writes the encounter with its details, refill and pharmacy at once. */
    static final String WRITE_ENCOUNTER = "write-encounter";
    /** The connection setting that forces one EMR operation per step ({@code "off"}). */
    static final String FHIR_BATCHING = "fhir_batching";

    static final String SEVERAL_PATIENTS = "More than one patient in the EMR has this MRN";

    /** The request of a finished job whose stored payload retention purged. */
    private static final TelephoneEncounterRequest PURGED = new TelephoneEncounterRequest(Map.of(), Map.of());

    private final EncounterRepository encounters;
    private final ReferenceRepository references;
    private final JobQueue queue;
    private final EmrFailures failures;
    private final JobFaults faults;
    private final EncounterRequests requests;
    private final ObjectProvider<EmrAdapters> adapters;
    private final Extensions extensions;

    public EncounterJobs(EncounterRepository encounters, ReferenceRepository references, JobQueue queue,
            EmrFailures failures, JobFaults faults, EncounterRequests requests, ObjectProvider<EmrAdapters> adapters,
            Extensions extensions) {
        this.adapters = adapters;
        this.encounters = encounters;
        this.references = references;
        this.queue = queue;
        this.failures = failures;
        this.faults = faults;
        this.requests = requests;
        this.extensions = extensions;
    }

    /** The job of a queue message, or null when no such encounter is stored (its intake was undone). */
    public EncounterJob start(@Body String message) throws Exception {
        EncounterMessage queued = queue.read(message, EncounterMessage.class);
        String id = queued.telephoneEncounterId() == null ? "" : queued.telephoneEncounterId();
        Optional<EncounterRepository.EncounterRow> row = encounters.find(id);
        Optional<String> payload = encounters.payload(id);
        boolean finishedAndPurged = row.isPresent() && payload.isEmpty() && row.get().isFinished();
        if (row.isEmpty() || (payload.isEmpty() && !finishedAndPurged)) {
            log.warn("queue message for unknown telephone encounter {} discarded", JobQueue.loggable(id));
            return null;
        }
        encounters.markStarted(id);
        // retention purged a finished job's payload: it only re-queues its deliveries, no request is needed
        TelephoneEncounterRequest request = payload.map(requests::parseText).orElse(PURGED);
        return new EncounterJob(queue.header(row.get(), queued, "telephone encounter"), request);
    }

    /**
     * The job of a message that threw until the broker's last redelivery, failed with
     * internal_error (routes/_shared/job-faults); null when no stored request is tied to it.
     */
    public EncounterJob failedForGood(@Body String message, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure,
            @ExchangeProperty(Exchange.FAILURE_ROUTE_ID) String routeId, @Header(MessageHeaders.JMS_MESSAGE_ID) String messageId,
            @Header(MessageHeaders.JMSX_DELIVERY_COUNT) Integer deliveryCount) throws Exception {
        return faults.failedForGood(message, EncounterMessage.class, this::start, failure, routeId, messageId, deliveryCount);
    }

    /** The job of a message the broker dead-lettered after its last redelivery, failed with internal_error. */
    public EncounterJob deadLettered(@Body String message, @Header(MessageHeaders.JMS_MESSAGE_ID) String messageId) throws Exception {
        return faults.deadLettered(message, EncounterMessage.class, this::start, messageId);
    }

    /**
     * The before-emr extension point: the connection's team route may map the request's allowed
     * fields ({@link TelephoneEncounterRequest#EXTENSION_CHANGEABLE}); it also sees the job's ids.
     * A failure throws: the job is redelivered, then fails with internal_error.
     */
    public EncounterJob beforeEmr(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        Map<String, Object> ids = new LinkedHashMap<>();
        ids.put("telephone_encounter_id", job.telephoneEncounterId());
        ids.put("job_id", String.valueOf(job.jobId()));
        ids.put("access_token_reference_id", job.accessTokenReferenceId());
        job.remap(extensions.beforeEmr(job, job.request(), ids, TelephoneEncounterRequest.EXTENSION_CHANGEABLE));
        return job;
    }

    /** The job's references, after the checks every kind passes (JobChecks, in the process-job template). */
    public EncounterJob enrich(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        String connection = job.connection().id();
        TelephoneEncounterRequest request = job.request();
        references.provider(connection, request.getProviderId()).ifPresent(job::recordProvider);
        references.location(connection, request.getLocationId()).ifPresent(job::recordLocation);
        references.staffMember(connection, request.getAssignedToId()).ifPresent(job::recordAssignee);
        if (request.getPharmacyEhrId() != null) {
            references.pharmacy(connection, request.getPharmacyEhrId()).ifPresent(job::recordPharmacy);
        }
        ReferenceRepository.Batching batching = batchingOff(job.connection()) ? null : references.batching(connection);
        if (batching != null) {
            EmrAdapters known = adapters.getIfAvailable();
            job.recordBatching(batching.transactions() && (known == null || known.supportsOperation(job.connection(), WRITE_ENCOUNTER)),
                    batching.ordersBatchSearch());
        }
        return job;
    }

    /** The connection's settings say {@code "fhir_batching": "off"}: one EMR operation per step, whatever the server can. */
    static boolean batchingOff(EmrConnection connection) {
        return "off".equals(String.valueOf(connection.options().get(FHIR_BATCHING)));
    }

    /** A step after the encounter exists failed for good: the encounter stands, partially. */
    public EncounterJob refillNotAdded(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        if (!deferred(job, failure, "refill not added to")) {
            job.partial("refill_not_added", "The refill request could not be added to the encounter: "
                    + EmrFailures.describe(failure));
        }
        return job;
    }

    public EncounterJob pharmacyNotAdded(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        if (!deferred(job, failure, "pharmacy not added for")) {
            job.partial("pharmacy_not_added", "The pharmacy could not be added to the patient's pharmacy list: "
                    + EmrFailures.describe(failure));
        }
        return job;
    }

    /** Deferred (a retryable failure within the window); else the failure is logged and false. */
    private boolean deferred(EncounterJob job, Exception failure, String logged) {
        if (failures.deferred(job, failure)) {
            return true;
        }
        log.warn("{} telephone encounter {}: {}", logged, job.telephoneEncounterId(), EmrFailures.safe(failure));
        return false;
    }

    /** An EMR failure before the encounter existed: deferred, or the job fails. */
    public EncounterJob emrFailed(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        failures.failed(job, failure, refusal -> extensions.emrRefusal(job, new EmrRefusal(job.telephoneEncounterId(),
                String.valueOf(job.jobId()), job.accessTokenReferenceId(), failedStep(job), refusal.httpStatus(),
                issueCodes(refusal.issueCodes()), refusal.reasonCode())));
        return job;
    }

    /** The step the EMR refused, by the job's state: the steps run in this order until the encounter exists. */
    static String failedStep(EncounterJob job) {
        if (job.patientId() == null) {
            return "find-patient";
        }
        if (job.medicationsToList()) {
            return "list-refillable-medications";
        }
        return job.batchedWrite() ? WRITE_ENCOUNTER : "create-encounter";
    }

    private static List<String> issueCodes(String codes) {
        return codes == null || codes.isBlank() ? List.of()
                : Arrays.stream(codes.split(",")).map(String::strip).filter(c -> !c.isEmpty()).toList();
    }

    /**
     * add-encounter-details threw after the encounter was created (an adapter that does not name
     * what it could not add): deferred, or the encounter stands without its details.
     */
    public EncounterJob detailsNotAdded(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        if (!deferred(job, failure, "encounter details not added to")) {
            job.partial("details_not_added", "The call's details could not be added to the encounter: "
                    + EmrFailures.describe(failure));
        }
        return job;
    }

    /** What the EMR refused of the encounter's details (the caller's message, the assignee's task): the encounter stands without it. */
    public void encounterDetailsAdded(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job, @Body EncounterDetailsAdded added) {
        for (DetailNotAdded missing : added.notAdded()) {
            String why = "The EMR rejected the request (HTTP " + missing.httpStatus()
                    + (missing.issueCodes() == null || missing.issueCodes().isEmpty() ? "" : "; issues: " + missing.issueCodes()) + ")";
            log.warn("{} not added to telephone encounter {}: EMR answered HTTP {}", missing.what(), job.telephoneEncounterId(),
                    missing.httpStatus());
            if (DetailNotAdded.TASK.equals(missing.what())) {
                job.partial("task_not_added", "The assignee's task could not be added to the encounter: " + why);
            } else {
                job.partial("communication_not_added", "The caller and message could not be added to the encounter: " + why);
            }
        }
    }

    /** The queue message of the job's next try. */
    public String retryMessage(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        return queue.write(EncounterMessage.retry(job));
    }


    // The EMR operations (EmrOperations): each adapter input built from the job, each result
    // handed back to the job, which decides what it means.

    public FindPatient findPatientInput(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        return new FindPatient(job.request().getPatientMrn(), job.refillRequested() && job.ordersInSearch());
    }

    /** Exactly one patient has the MRN: the job goes on with it; none or several: patient_not_found. */
    public void patientFound(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job, @Body PatientMatch match) {
        if (match.patientId() != null) {
            job.recordPatient(match.patientId());
            job.recordPatientResource(match.patientResource());
            if (match.orders() != null) {
                job.recordRefillableMedications(match.orders().medications());
            }
        } else if (match.patientIds().isEmpty()) {
            job.fail("patient_not_found", "No patient with this MRN was found in the EMR");
        } else if (ExtensionPoint.AFTER_MATCH.namedBy(job.connection())) {
            job.recordPatientCandidates(match.patientIds()); // the connection's after-match hook may choose one
        } else {
            job.fail("patient_not_found", SEVERAL_PATIENTS);
        }
    }

    /**
     * The after-match extension point when several patients have the MRN: the connection's team
     * route may choose one of them (by id); it left several, or none was chosen: patient_not_found,
     * as without the hook; its refusal fails the job with its declared code.
     */
    public void narrowPatients(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        MatchCandidates.Choice choice = extensions.afterMatch(job, candidates(job, job.patientCandidates(), List.of()));
        if (refused(job, choice)) {
            return;
        }
        if (choice != null && choice.patientIds().size() == 1) {
            job.recordPatient(choice.patientIds().get(0));
        } else {
            job.fail("patient_not_found", SEVERAL_PATIENTS);
        }
    }

    /**
     * The after-match extension point once the patient is known and the medication matched (or
     * right after the search when no refill is asked), before any write: the connection's team
     * route may narrow the refill candidates to one (by order id) or refuse the job with a declared
     * code. Candidates it left several: medication_ambiguous, as without the hook.
     */
    public void reviewMatch(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        job.recordMatchReviewed();
        List<String> orderIds = job.medicationCandidates().stream().map(RefillableMedication::orderId).toList();
        MatchCandidates.Choice choice = extensions.afterMatch(job, candidates(job, List.of(job.patientId()), orderIds));
        if (refused(job, choice) || !job.refillRequested()) {
            return;
        }
        List<RefillableMedication> kept = choice == null ? job.medicationCandidates() : job.medicationCandidates().stream()
                .filter(m -> choice.medicationOrderIds().contains(m.orderId())).toList();
        if (kept.size() == 1) {
            job.recordMatchedMedication(kept.get(0));
        } else {
            ambiguous(job, kept);
        }
    }

    private static MatchCandidates candidates(EncounterJob job, List<String> patientIds, List<String> orderIds) {
        return new MatchCandidates(job.telephoneEncounterId(), String.valueOf(job.jobId()), job.accessTokenReferenceId(),
                patientIds, job.refillRequested(), orderIds);
    }

    /** The hook refused the job: failed with its code and description (for a medication code, with the candidates' names). */
    private static boolean refused(EncounterJob job, MatchCandidates.Choice choice) {
        if (choice == null || choice.refusal() == null) {
            return false;
        }
        // one of FailureCodes.ALLOWED that the connection declares (Extensions checked it)
        String code = choice.refusal().code();
        job.fail(code, choice.refusal().description());
        if (code.startsWith("medication_")) {
            job.recordAvailableMedications(job.medicationCandidates().stream().map(RefillableMedication::name).distinct().toList());
        }
        return true;
    }

    private static void ambiguous(EncounterJob job, List<RefillableMedication> candidates) {
        job.fail("medication_ambiguous", "More than one refillable medication matches the requested name");
        job.recordAvailableMedications(candidates.stream().map(RefillableMedication::name).distinct().toList());
    }

    public ListRefillableMedications refillableMedicationsInput(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        return new ListRefillableMedications(job.patientId());
    }

    public void medicationsListed(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job, @Body RefillableMedications listed) {
        job.recordRefillableMedications(listed.medications());
    }

    /** The medication the caller asked for among the refillable ones: the matched order, or the failure with its list. */
    public void medicationMatched(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job, @Body MedicationMatcher.Match match) {
        if (match instanceof MedicationMatcher.Matched m) {
            job.recordMatchedMedication(m.medication());
            job.recordMedicationCandidates(List.of(m.medication()));
        } else if (match instanceof MedicationMatcher.Ambiguous a) {
            List<RefillableMedication> candidates = job.refillableMedications().stream()
                    .filter(m -> a.candidates().contains(m.name())).toList();
            if (ExtensionPoint.AFTER_MATCH.namedBy(job.connection())) {
                job.recordMedicationCandidates(candidates); // the connection's after-match hook may choose one
            } else {
                job.fail("medication_ambiguous", "More than one refillable medication matches the requested name");
                job.recordAvailableMedications(a.candidates());
            }
        } else if (match instanceof MedicationMatcher.NotFound n) {
            job.fail("medication_not_found", "No refillable medication matches the requested name");
            job.recordAvailableMedications(n.available());
        }
    }

    public CreateEncounter createEncounterInput(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        TelephoneEncounterRequest request = job.request();
        return new CreateEncounter(job.telephoneEncounterId(), job.patientId(), request.highPriority(),
                new Named(request.getProviderId(), job.provider() == null ? null : job.provider().name()),
                new Named(request.getLocationId(), job.location() == null ? null : job.location().name()),
                request.getReason(), request.getTemplateName());
    }

    /** The encounter exists from here on, even if a later step fails. */
    public void encounterCreated(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job, @Body EncounterCreated created) {
        job.recordEncounter(created.encounterId());
    }

    public AddEncounterDetails encounterDetailsInput(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        TelephoneEncounterRequest request = job.request();
        return new AddEncounterDetails(job.telephoneEncounterId(), job.patientId(), job.encounterId(),
                request.highPriority(), request.getCaller(), request.getMessage(),
                new Named(request.getAssignedToId(), job.assignee() == null ? null : job.assignee().name()));
    }

    /** write-encounter: everything the job writes, at once. */
    public WriteEncounter writeEncounterInput(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        return new WriteEncounter(createEncounterInput(job), encounterDetailsInput(job),
                job.matchedMedication() == null ? null : refillInput(job),
                job.pharmacyRequested() ? pharmacyInput(job) : null, job.patientResource());
    }

    /** The encounter exists from here on; the refill and pharmacy, when written with it. */
    public void encounterWritten(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job, @Body EncounterWritten written) {
        job.recordEncounter(written.encounterId());
        if (written.refillAdded()) {
            job.recordRefillAdded();
        }
        if (written.pharmacyAdded()) {
            job.recordPharmacyAdded();
        }
    }

    public AddRefill refillInput(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        TelephoneEncounterRequest request = job.request();
        return new AddRefill(job.telephoneEncounterId(), job.patientId(), job.encounterId(),
                job.matchedMedication(), request.getProviderId(),
                request.getPharmacyEhrId() == null ? null : pharmacy(job));
    }

    public void refillAdded(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job, @Body RefillAdded added) {
        job.recordRefillAdded();
    }

    public EnsurePatientPharmacy pharmacyInput(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        return new EnsurePatientPharmacy(job.patientId(), pharmacy(job));
    }

    public void pharmacyEnsured(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job, @Body PharmacyEnsured ensured) {
        job.recordPharmacyAdded();
    }

    private static Named pharmacy(EncounterJob job) {
        return new Named(job.request().getPharmacyEhrId(), job.pharmacy() == null ? null : job.pharmacy().name());
    }
}
