package org.telenc.engine.job;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telenc.engine.audit.AuditLog;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.webhook.WebhookRepository;
import org.telenc.engine.webhook.signing.CompactJson;

/**
 * The outbox of a job kind: records a job's terminal event (the envelope of docs/api.md "Webhook events") with the
 * request's outcome and one pending delivery per enabled URL. The kind's bean calls
 * {@link #recordOutcome} from its one {@code @Transactional} route method, so outcome, event and
 * deliveries commit together. Recording is idempotent: a job that already has its event (a
 * redelivered or re-queued message) gets its still-pending deliveries back, nothing new.
 *
 * @param <J> the job kind
 */
public abstract class JobEvents<J extends EmrJob> {

    private static final Logger log = LoggerFactory.getLogger(JobEvents.class);
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    protected final WebhookRepository webhooks;
    private final Clock clock;
    private final AuditLog audit;
    private final String auditPart;
    private final String auditOperation;

    /** {@code auditPart} and {@code auditOperation} name the audit row, e.g. process, telephone-encounter-finished. */
    protected JobEvents(WebhookRepository webhooks, Clock clock, AuditLog audit, String auditPart, String auditOperation) {
        this.webhooks = webhooks;
        this.clock = clock;
        this.audit = audit;
        this.auditPart = auditPart;
        this.auditOperation = auditOperation;
    }

    /** The event already recorded for this request, if any. */
    protected abstract Optional<WebhookRepository.Event> existingEvent(String requestId);

    /** Stores the outcome on the kind's own row (status, the EMR id it created, the reasons as JSON or null). */
    protected abstract void storeOutcome(J job, JobOutcome outcome, String reasonsJson);

    /** Inserts the event row, tied to the kind's request. */
    protected abstract void insertEvent(String eventId, J job, JobOutcome outcome, String body, Instant created);

    /** The audit row's outcome: the event type (a kind may add its first reason code). */
    protected String auditOutcome(JobOutcome outcome, List<EmrJob.Reason> reasons) {
        return outcome.eventType();
    }

    /** Stores outcome, event and deliveries; returns the delivery ids to queue. */
    protected final List<String> recordOutcome(J job, Map<String, Object> data) {
        Optional<WebhookRepository.Event> existing = existingEvent(job.requestId());
        if (existing.isPresent()) {
            return webhooks.pendingDeliveryIds(existing.get().id());
        }
        JobOutcome outcome = job.outcome() == null ? job.failedOutcome() : job.outcome();
        Instant created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String eventId = "evt_" + Secrets.newId();
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", eventId);
        envelope.put("access_token_reference_id", job.accessTokenReferenceId());
        envelope.put("object", "event");
        envelope.put("created", CREATED.format(created));
        envelope.put("type", outcome.eventType());
        envelope.put("job_id", String.valueOf(job.jobId()));
        envelope.put("data", data);
        String body = CompactJson.write(envelope);
        List<EmrJob.Reason> reasons = job.reasonsOf(outcome);
        storeOutcome(job, outcome, reasons.isEmpty() ? null : CompactJson.write(reasonList(reasons)));
        insertEvent(eventId, job, outcome, body, created);
        job.recordEvent(body);
        List<String> deliveries = new ArrayList<>();
        for (WebhookRepository.Endpoint endpoint : webhooks.endpoints(job.clientPk())) {
            if ("enabled".equals(endpoint.status())) {
                String deliveryId = Secrets.newId();
                webhooks.insertDelivery(deliveryId, eventId, endpoint);
                deliveries.add(deliveryId);
            }
        }
        log.info("{} {} job {} ended {}: event {} to {} URL(s)", job.kindName(), job.requestId(), job.jobId(),
                outcome.eventType(), eventId, deliveries.size());
        audit.system(auditPart, auditOperation, job.requestId(), auditOutcome(outcome, reasons));
        return deliveries;
    }

    /** Adds {@code failure_reason} (the descriptions joined) and {@code reasons} to an event's data. */
    protected static void addReasons(Map<String, Object> data, List<EmrJob.Reason> reasons) {
        data.put("failure_reason", String.join("; ", reasons.stream().map(EmrJob.Reason::description).toList()));
        data.put("reasons", reasonList(reasons));
    }

    private static List<Map<String, Object>> reasonList(List<EmrJob.Reason> reasons) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (EmrJob.Reason reason : reasons) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("code", reason.code());
            item.put("description", reason.description());
            list.add(item);
        }
        return list;
    }
}
