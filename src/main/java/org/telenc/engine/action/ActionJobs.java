package org.telenc.engine.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.emr.EmrException;
import org.telenc.engine.emr.EmrOperations.AddEncounterNote;
import org.telenc.engine.emr.EmrOperations.EncounterRead;
import org.telenc.engine.emr.EmrOperations.Named;
import org.telenc.engine.emr.EmrOperations.NoteCreated;
import org.telenc.engine.emr.EmrOperations.ReadEncounter;
import org.telenc.engine.encounter.EmrRetryPolicy;
import org.telenc.engine.encounter.EncounterJobs;
import org.telenc.engine.intake.ActionField;
import org.telenc.engine.reference.ReferenceRecords;
import org.telenc.engine.reference.ReferenceRepository;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * The add-action flow's beans: a queue message back into an {@link ActionJob}, the acting staff
 * member's name, the note line, and what an EMR failure means (deferral within the retry window,
 * as for encounter jobs, or a failure reason).
 */
@Component("actionJobs")
public class ActionJobs {

    private static final Logger log = LoggerFactory.getLogger(ActionJobs.class);
    /** The queue message's count of tries at the EMR so far (absent on the first). */
    static final String EMR_ATTEMPT = "emr_attempt";

    private final ActionRepository actions;
    private final TenancyRepository tenancy;
    private final ReferenceRepository references;
    private final EmrConnections connections;
    private final EmrRetryPolicy retryPolicy;
    private final ObjectMapper json;
    private final Clock clock;

    public ActionJobs(ActionRepository actions, TenancyRepository tenancy, ReferenceRepository references,
            EmrConnections connections, EmrRetryPolicy retryPolicy, ObjectMapper json, Clock clock) {
        this.actions = actions;
        this.tenancy = tenancy;
        this.references = references;
        this.connections = connections;
        this.retryPolicy = retryPolicy;
        this.json = json;
        this.clock = clock;
    }

    /** The queue message of a stored action. */
    public static String queueMessage(ObjectMapper json, String actionId, long jobId) {
        return json.createObjectNode().put("action_id", actionId).put("job_id", String.valueOf(jobId)).toString();
    }

    /** The action of a queue message, or null when no such action is stored (its intake was undone). */
    public ActionJob start(@Body String message) throws Exception {
        JsonNode queued = json.readTree(message);
        String id = queued.path("action_id").asText();
        int emrAttempt = Math.max(1, queued.path(EMR_ATTEMPT).asInt(1));
        Optional<ActionRepository.ActionRow> found = actions.find(id);
        if (found.isEmpty()) {
            log.warn("queue message for unknown action {} discarded", id);
            return null;
        }
        ActionRepository.ActionRow row = found.get();
        boolean finished = !"processing".equals(row.status());
        JsonNode payload = row.payload() == null ? json.createObjectNode() : json.readTree(row.payload());
        log.info("processing action {} job {} (EMR try {}){}", id, row.jobId(), emrAttempt,
                finished ? " (already finished)" : "");
        return new ActionJob(id, row.jobId(), row.clientPk(), tenancy.tokenReferenceId(row.accessTokenId()),
                connections.get(row.connectionId()), row.emrAppointmentId(),
                payload.path(ActionField.TEXT.jsonName()).asText(null),
                "true".equals(payload.path(ActionField.IS_HIGH_PRIORITY.jsonName()).asText()),
                tenancy.tokenEmrUserEhrId(row.accessTokenId()), finished, row.createdAt(), emrAttempt);
    }

    /** Names the acting staff member from the synced staff, else user, rows (else the note shows the id). */
    public ActionJob enrich(@ExchangeProperty("action") ActionJob action) {
        String connection = action.getConnection().id();
        String ehrId = action.getActingUserEhrId();
        Optional<String> name = references.staffMember(connection, ehrId).map(ReferenceRecords.Staff::name)
                .filter(n -> !n.isBlank())
                .or(() -> references.userName(connection, ehrId).filter(n -> !n.isBlank()));
        action.setActingUserName(name.orElse(null));
        return action;
    }

    /** The note line, stamped now in the clinic's time zone. */
    public ActionJob composeNote(@ExchangeProperty("action") ActionJob action) {
        Instant now = clock.instant();
        EmrConnection.FhirSettings settings = action.getConnection().settings();
        action.setNote(now, NoteLines.format(now, settings.timezone(), action.getActingUserName(),
                action.getActingUserEhrId(), action.getText()));
        return action;
    }

    /**
     * An EMR failure: within the retry window a retryable one (I/O, timeout, 408/429/5xx) defers
     * the action (safe: the note is a conditional create on the action's identifier); otherwise the
     * action fails with login_required, emr_rejected or emr_unavailable.
     */
    public ActionJob emrFailed(@ExchangeProperty("action") ActionJob action,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        if (deferred(action, failure)) {
            return action;
        }
        log.warn("action {} failed at the EMR: {}", action.getActionId(), EncounterJobs.safe(failure));
        String code = failure instanceof EmrException e ? e.reasonCode() : "emr_unavailable";
        action.fail(code, EncounterJobs.describe(failure));
        return action;
    }

    private boolean deferred(ActionJob action, Exception failure) {
        if (!EmrRetryPolicy.retryable(failure)) {
            return false;
        }
        var delay = retryPolicy.delayAfter(action.getEmrAttempt(), action.getAcceptedAt());
        if (delay.isEmpty()) {
            log.warn("action {}: EMR retry window used up after try {}", action.getActionId(), action.getEmrAttempt());
            return false;
        }
        action.defer(delay.getAsLong());
        log.info("action {}: EMR try {} failed ({}), next try in {} ms", action.getActionId(), action.getEmrAttempt(),
                EncounterJobs.safe(failure), delay.getAsLong());
        return true;
    }

    /** The queue message of the action's next try. */
    public String retryMessage(@ExchangeProperty("action") ActionJob action) {
        return json.createObjectNode().put("action_id", action.getActionId()).put("job_id", String.valueOf(action.getJobId()))
                .put(EMR_ATTEMPT, action.getEmrAttempt() + 1).toString();
    }

    // The EMR operations (EmrOperations): each adapter input built from the action, each result
    // handed back to the action, which decides what it means.

    public ReadEncounter readEncounterInput(@ExchangeProperty("action") ActionJob action) {
        return new ReadEncounter(action.getEmrAppointmentId());
    }

    /** The encounter exists: the note will be about its subject. Not found: the action fails, encounter_not_found. */
    public void encounterRead(@ExchangeProperty("action") ActionJob action, @Body EncounterRead read) {
        if (read.found()) {
            action.encounterFound(read.subject());
            return;
        }
        log.warn("action {} failed, encounter_not_found: {}", action.getActionId(), read.notFound());
        action.fail("encounter_not_found", "The encounter was not found in the EMR");
    }

    public AddEncounterNote noteInput(@ExchangeProperty("action") ActionJob action) {
        return new AddEncounterNote(action.getActionId(), action.getEmrAppointmentId(), action.getEncounterSubject(),
                new Named(action.getActingUserEhrId(), action.getActingUserName()), action.isHighPriority(),
                action.getNotedAt(), action.getNoteLine());
    }

    public void noteCreated(@ExchangeProperty("action") ActionJob action, @Body NoteCreated created) {
        action.setNoteId(created.noteId());
    }
}
