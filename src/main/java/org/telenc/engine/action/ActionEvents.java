package org.telenc.engine.action;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.audit.AuditLog;
import org.telenc.engine.job.JobEvents;
import org.telenc.engine.job.JobOutcome;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.webhook.WebhookRepository;

/**
 * The terminal event of an add-action job ({@code telephone_encounter_action.created} or
 * {@code .failed}, the envelope of docs/api.md "Webhook events") and its recording through the job outbox
 * ({@link JobEvents}): the action's outcome, the event and its deliveries in one transaction.
 */
@Component("actionEvents")
public class ActionEvents extends JobEvents<ActionJob> {

    private final ActionRepository actions;

    public ActionEvents(WebhookRepository webhooks, ActionRepository actions, Clock clock, AuditLog audit) {
        super(webhooks, clock, audit, "process-action", "telephone-encounter-action-finished");
        this.actions = actions;
    }

    public Map<String, Object> created(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("action_id", action.actionId());
        data.put("emr_appointment_id", action.emrAppointmentId());
        data.put("note_id", action.noteId());
        return data;
    }

    public Map<String, Object> failed(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("action_id", action.actionId());
        data.put("emr_appointment_id", action.emrAppointmentId());
        addReasons(data, action.failures());
        return data;
    }

    /** Stores outcome, event and deliveries; returns the delivery ids to queue. */
    @Transactional
    public List<String> record(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action, Map<String, Object> data) {
        return recordOutcome(action, data);
    }

    @Override
    protected Optional<WebhookRepository.Event> existingEvent(String requestId) {
        return webhooks.eventForAction(requestId);
    }

    @Override
    protected void storeOutcome(ActionJob action, JobOutcome outcome, String reasonsJson) {
        actions.updateOutcome(action.actionId(), outcome.status(), action.noteId(), reasonsJson);
    }

    @Override
    protected void insertEvent(String eventId, ActionJob action, JobOutcome outcome, String body, Instant created) {
        webhooks.insertActionEvent(eventId, action.clientPk(), action.actionId(), action.jobId(),
                outcome.eventType(), action.accessTokenReferenceId(), body, created);
    }
}
