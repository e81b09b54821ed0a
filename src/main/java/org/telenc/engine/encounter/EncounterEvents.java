package org.telenc.engine.encounter;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.audit.AuditLog;
import org.telenc.engine.job.EmrJob;
import org.telenc.engine.job.JobEvents;
import org.telenc.engine.job.JobOutcome;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.webhook.WebhookRepository;

/**
 * The terminal event of a telephone encounter job (docs/api.md "Webhook events": {@code telephone_encounter.created},
 * {@code .created_partial} or {@code .failed}) and its recording through the job outbox
 * ({@link JobEvents}): the encounter's outcome, the event and its deliveries in one transaction.
 */
@Component("encounterEvents")
public class EncounterEvents extends JobEvents<EncounterJob> {

    private final EncounterRepository encounters;

    public EncounterEvents(WebhookRepository webhooks, EncounterRepository encounters, Clock clock, AuditLog audit) {
        super(webhooks, clock, audit, "process", "telephone-encounter-finished");
        this.encounters = encounters;
    }

    public Map<String, Object> created(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("telephone_encounter_id", job.telephoneEncounterId());
        data.put("emr_appointment_id", job.encounterId());
        data.put("patient_mrn", job.request().getPatientMrn());
        if (job.refillAdded()) {
            data.put("refill_medication_name", job.matchedMedication().name());
        }
        if (job.pharmacyAdded()) {
            data.put("pharmacy_ehr_id", job.request().getPharmacyEhrId());
        }
        return data;
    }

    public Map<String, Object> createdPartial(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        Map<String, Object> data = created(job);
        addReasons(data, job.partialReasons());
        return data;
    }

    public Map<String, Object> failed(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("telephone_encounter_id", job.telephoneEncounterId());
        data.put("patient_mrn", job.request().getPatientMrn());
        addReasons(data, job.failures());
        if (!job.availableMedications().isEmpty()
                || job.failures().stream().anyMatch(r -> r.code().startsWith("medication_"))) {
            data.put("available_medications", new ArrayList<>(job.availableMedications()));
        }
        return data;
    }

    /** Stores outcome, event and deliveries; returns the delivery ids to queue. */
    @Transactional
    public List<String> record(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job, Map<String, Object> data) {
        return recordOutcome(job, data);
    }

    @Override
    protected Optional<WebhookRepository.Event> existingEvent(String requestId) {
        return webhooks.eventForEncounter(requestId);
    }

    @Override
    protected void storeOutcome(EncounterJob job, JobOutcome outcome, String reasonsJson) {
        encounters.updateOutcome(job.telephoneEncounterId(), outcome.status(), job.encounterId(), reasonsJson);
    }

    @Override
    protected void insertEvent(String eventId, EncounterJob job, JobOutcome outcome, String body, Instant created) {
        webhooks.insertEvent(eventId, job.clientPk(), job.telephoneEncounterId(), job.jobId(),
                outcome.eventType(), job.accessTokenReferenceId(), body, created);
    }


    /** The event type and the first reason's code. */
    @Override
    protected String auditOutcome(JobOutcome outcome, List<EmrJob.Reason> reasons) {
        return outcome.eventType() + (reasons.isEmpty() ? "" : " " + reasons.get(0).code());
    }
}
