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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.action.ActionJob;
import org.telenc.engine.action.ActionOutcome;
import org.telenc.engine.action.ActionRepository;
import org.telenc.engine.audit.AuditLog;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.webhook.signing.CompactJson;

/**
 * Builds the terminal event of an add-action request ({@code telephone_encounter_action.created}
 * or {@code .failed}, contract 2.6 envelope) and records it with the action's outcome and one
 * pending delivery per enabled URL, in one transaction. Idempotent like {@link EncounterEvents}: an
 * action that already has its event gets its still-pending deliveries back, nothing new.
 */
@Component("actionEvents")
public class ActionEvents {

    private static final Logger log = LoggerFactory.getLogger(ActionEvents.class);
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final WebhookRepository webhooks;
    private final ActionRepository actions;
    private final Clock clock;

    private final AuditLog audit;

    @Autowired
    public ActionEvents(WebhookRepository webhooks, ActionRepository actions, Clock clock,
            AuditLog audit) {
        this.audit = audit;
        this.webhooks = webhooks;
        this.actions = actions;
        this.clock = clock;
    }

    public Map<String, Object> created(@ExchangeProperty(ExchangeProperties.ACTION) ActionJob action) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("action_id", action.getActionId());
        data.put("emr_appointment_id", action.getEmrAppointmentId());
        data.put("note_id", action.getNoteId());
        return data;
    }

    public Map<String, Object> failed(@ExchangeProperty(ExchangeProperties.ACTION) ActionJob action) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("action_id", action.getActionId());
        data.put("emr_appointment_id", action.getEmrAppointmentId());
        List<ActionJob.Reason> reasons = action.getFailures();
        data.put("failure_reason", String.join("; ", reasons.stream().map(ActionJob.Reason::description).toList()));
        data.put("reasons", reasonList(reasons));
        return data;
    }

    /** Stores outcome, event and deliveries; returns the delivery ids to queue. */
    @Transactional
    public List<String> record(@ExchangeProperty(ExchangeProperties.ACTION) ActionJob action, Map<String, Object> data) {
        Optional<WebhookRepository.Event> existing = webhooks.eventForAction(action.getActionId());
        if (existing.isPresent()) {
            return webhooks.pendingDeliveryIds(existing.get().id());
        }
        ActionOutcome outcome = action.outcome() == null ? ActionOutcome.FAILED : action.outcome();
        Instant created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String eventId = "evt_" + Secrets.newId();
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", eventId);
        envelope.put("access_token_reference_id", action.getAccessTokenReferenceId());
        envelope.put("object", "event");
        envelope.put("created", CREATED.format(created));
        envelope.put("type", outcome.eventType());
        envelope.put("job_id", String.valueOf(action.getJobId()));
        envelope.put("data", data);
        String body = CompactJson.write(envelope);
        List<ActionJob.Reason> reasons = outcome == ActionOutcome.FAILED ? action.getFailures() : List.of();
        actions.updateOutcome(action.getActionId(), outcome.status(), action.getNoteId(),
                reasons.isEmpty() ? null : CompactJson.write(reasonList(reasons)));
        webhooks.insertActionEvent(eventId, action.getClientPk(), action.getActionId(), action.getJobId(),
                outcome.eventType(), action.getAccessTokenReferenceId(), body, created);
        List<String> deliveries = new ArrayList<>();
        for (WebhookRepository.Endpoint endpoint : webhooks.endpoints(action.getClientPk())) {
            if ("enabled".equals(endpoint.status())) {
                String deliveryId = Secrets.newId();
                webhooks.insertDelivery(deliveryId, eventId, endpoint);
                deliveries.add(deliveryId);
            }
        }
        log.info("action {} job {} ended {}: event {} to {} URL(s)", action.getActionId(), action.getJobId(),
                outcome.eventType(), eventId, deliveries.size());
        audit.system("process-action", "telephone-encounter-action-finished", action.getActionId(), outcome.eventType());
        return deliveries;
    }

    private static List<Map<String, Object>> reasonList(List<ActionJob.Reason> reasons) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ActionJob.Reason reason : reasons) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("code", reason.code());
            item.put("description", reason.description());
            list.add(item);
        }
        return list;
    }
}
