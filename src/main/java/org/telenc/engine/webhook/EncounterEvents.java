package org.telenc.engine.webhook;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.audit.AuditLog;
import org.telenc.engine.encounter.EncounterJob;
import org.telenc.engine.encounter.EncounterRepository;
import org.telenc.engine.encounter.Outcome;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.webhook.signing.CompactJson;

/**
 * Builds the terminal event of a job (contract 2.6) and records it with the encounter's outcome
 * and one pending delivery per enabled URL, in one transaction. Recording is idempotent: a job
 * that already has its event gets its still-pending deliveries back, nothing new.
 */
@Component("encounterEvents")
public class EncounterEvents {

    private static final Logger log = LoggerFactory.getLogger(EncounterEvents.class);
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final WebhookRepository webhooks;
    private final EncounterRepository encounters;
    private final Clock clock;

    private final AuditLog audit;

    public EncounterEvents(WebhookRepository webhooks, EncounterRepository encounters, Clock clock,
            AuditLog audit) {
        this.audit = audit;
        this.webhooks = webhooks;
        this.encounters = encounters;
        this.clock = clock;
    }

    public Map<String, Object> created(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("telephone_encounter_id", job.getTelephoneEncounterId());
        data.put("emr_appointment_id", job.getEncounterId());
        data.put("patient_mrn", job.getRequest().getPatientMrn());
        if (job.isRefillAdded()) {
            data.put("refill_medication_name", job.getMatchedMedication().name());
        }
        if (job.isPharmacyAdded()) {
            data.put("pharmacy_ehr_id", job.getRequest().getPharmacyEhrId());
        }
        return data;
    }

    public Map<String, Object> createdPartial(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        Map<String, Object> data = created(job);
        addReasons(data, job.getPartialReasons());
        return data;
    }

    public Map<String, Object> failed(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("telephone_encounter_id", job.getTelephoneEncounterId());
        data.put("patient_mrn", job.getRequest().getPatientMrn());
        addReasons(data, job.getFailures());
        if (!job.getAvailableMedications().isEmpty()
                || job.getFailures().stream().anyMatch(r -> r.code().startsWith("medication_"))) {
            data.put("available_medications", new ArrayList<>(job.getAvailableMedications()));
        }
        return data;
    }

    /** Stores outcome, event and deliveries; returns the delivery ids to queue. */
    @Transactional
    public List<String> record(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job, Map<String, Object> data) {
        Optional<WebhookRepository.Event> existing = webhooks.eventForEncounter(job.getTelephoneEncounterId());
        if (existing.isPresent()) {
            return webhooks.pendingDeliveryIds(existing.get().id());
        }
        Outcome outcome = job.outcome() == null ? Outcome.FAILED : job.outcome();
        Instant created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String eventId = "evt_" + Secrets.newId();
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", eventId);
        envelope.put("access_token_reference_id", job.getAccessTokenReferenceId());
        envelope.put("object", "event");
        envelope.put("created", CREATED.format(created));
        envelope.put("type", outcome.eventType());
        envelope.put("job_id", String.valueOf(job.getJobId()));
        envelope.put("data", data);
        String body = CompactJson.write(envelope);
        List<EncounterJob.Reason> reasons = outcome == Outcome.FAILED ? job.getFailures() : job.getPartialReasons();
        encounters.updateOutcome(job.getTelephoneEncounterId(), outcome.status(), job.getEncounterId(),
                reasons.isEmpty() ? null : CompactJson.write(reasonList(reasons)));
        webhooks.insertEvent(eventId, job.getClientPk(), job.getTelephoneEncounterId(), job.getJobId(),
                outcome.eventType(), job.getAccessTokenReferenceId(), body, created);
        List<String> deliveries = new ArrayList<>();
        for (WebhookRepository.Endpoint endpoint : webhooks.endpoints(job.getClientPk())) {
            if ("enabled".equals(endpoint.status())) {
                String deliveryId = Secrets.newId();
                webhooks.insertDelivery(deliveryId, eventId, endpoint);
                deliveries.add(deliveryId);
            }
        }
        log.info("telephone encounter {} job {} ended {}: event {} to {} URL(s)", job.getTelephoneEncounterId(),
                job.getJobId(), outcome.eventType(), eventId, deliveries.size());
        audit.system("process", "telephone-encounter-finished", job.getTelephoneEncounterId(),
                outcome.eventType() + (reasons.isEmpty() ? "" : " " + reasons.get(0).code()));
        return deliveries;
    }

    private static void addReasons(Map<String, Object> data, List<EncounterJob.Reason> reasons) {
        data.put("failure_reason", String.join("; ", reasons.stream().map(EncounterJob.Reason::description).toList()));
        data.put("reasons", reasonList(reasons));
    }

    private static List<Map<String, Object>> reasonList(List<EncounterJob.Reason> reasons) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (EncounterJob.Reason reason : reasons) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("code", reason.code());
            item.put("description", reason.description());
            list.add(item);
        }
        return list;
    }
}
