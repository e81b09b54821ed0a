package org.telenc.engine.action;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrOperations.AddEncounterNote;
import org.telenc.engine.emr.EmrOperations.EncounterRead;
import org.telenc.engine.emr.EmrOperations.Named;
import org.telenc.engine.emr.EmrOperations.NoteCreated;
import org.telenc.engine.emr.EmrOperations.ReadEncounter;
import org.telenc.engine.extension.EmrRefusal;
import org.telenc.engine.extension.Extensions;
import org.telenc.engine.job.EmrFailures;
import org.telenc.engine.job.JobFaults;
import org.telenc.engine.job.JobQueue;
import org.telenc.engine.emr.ReferenceRecords;
import org.telenc.engine.reference.ReferenceRepository;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.routes.MessageHeaders;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * The add-action flow's beans: a queue message back into an {@link ActionJob}, the acting staff
 * member's name, the note line, and what an EMR failure means (deferral within the retry window,
 * as for encounter jobs, or a failure reason).
 */
@Component("actionJobs")
public class ActionJobs {

    private static final Logger log = LoggerFactory.getLogger(ActionJobs.class);

    private final ActionRepository actions;
    private final TenancyRepository tenancy;
    private final ReferenceRepository references;
    private final JobQueue queue;
    private final EmrFailures failures;
    private final JobFaults faults;
    private final ObjectMapper json;
    private final Clock clock;
    private final Extensions extensions;

    public ActionJobs(ActionRepository actions, TenancyRepository tenancy, ReferenceRepository references, JobQueue queue,
            EmrFailures failures, JobFaults faults, ObjectMapper json, Clock clock, Extensions extensions) {
        this.actions = actions;
        this.tenancy = tenancy;
        this.references = references;
        this.queue = queue;
        this.failures = failures;
        this.faults = faults;
        this.json = json;
        this.clock = clock;
        this.extensions = extensions;
    }

    /** The action of a queue message, or null when no such action is stored (its intake was undone). */
    public ActionJob start(@Body String message) throws Exception {
        ActionMessage queued = queue.read(message, ActionMessage.class);
        String id = queued.actionId() == null ? "" : queued.actionId();
        Optional<ActionRepository.ActionRow> found = actions.find(id);
        if (found.isEmpty()) {
            log.warn("queue message for unknown action {} discarded", JobQueue.loggable(id));
            return null;
        }
        ActionRepository.ActionRow row = found.get();
        StoredAction payload = row.payload() == null ? StoredAction.NONE : json.readValue(row.payload(), StoredAction.class);
        return new ActionJob(queue.header(row, queued, "action"), row.emrAppointmentId(), payload.text(),
                "true".equals(payload.isHighPriority()), tenancy.tokenEmrUserEhrId(row.accessTokenId()));
    }

    /** The stored payload of an action, as intake wrote it (field names of {@link ActionField}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record StoredAction(@JsonProperty("text") String text, @JsonProperty("is_high_priority") String isHighPriority) {
        static final StoredAction NONE = new StoredAction(null, null);

        @Override
        public String toString() {
            return "StoredAction[text=(PHI), isHighPriority=" + isHighPriority + "]";
        }
    }

    /**
     * The action of a message that threw until the broker's last redelivery, failed with
     * internal_error (routes/_shared/job-faults); null when no stored action is tied to it.
     */
    public ActionJob failedForGood(@Body String message, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure,
            @ExchangeProperty(Exchange.FAILURE_ROUTE_ID) String routeId, @Header(MessageHeaders.JMS_MESSAGE_ID) String messageId,
            @Header(MessageHeaders.JMSX_DELIVERY_COUNT) Integer deliveryCount) throws Exception {
        return faults.failedForGood(message, ActionMessage.class, this::start, failure, routeId, messageId, deliveryCount);
    }

    /** The job of a message the broker dead-lettered after its last redelivery, failed with internal_error. */
    public ActionJob deadLettered(@Body String message, @Header(MessageHeaders.JMS_MESSAGE_ID) String messageId) throws Exception {
        return faults.deadLettered(message, ActionMessage.class, this::start, messageId);
    }

    /**
     * The before-emr extension point: the connection's team route may change the note text and
     * the priority ({@link TelephoneEncounterActionRequest#EXTENSION_CHANGEABLE}); it also sees
     * the action's ids and the EMR's encounter id. A failure throws: the action is redelivered,
     * then fails with internal_error.
     */
    public ActionJob beforeEmr(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(ActionField.EMR_APPOINTMENT_ID.jsonName(), action.emrAppointmentId());
        values.put(ActionField.TEXT.jsonName(), action.text());
        values.put(ActionField.IS_HIGH_PRIORITY.jsonName(), String.valueOf(action.highPriority()));
        TelephoneEncounterActionRequest request = new TelephoneEncounterActionRequest(Map.of(), Map.of()).withValues(values);
        Map<String, Object> ids = new LinkedHashMap<>();
        ids.put("action_id", action.actionId());
        ids.put("job_id", String.valueOf(action.jobId()));
        ids.put("access_token_reference_id", action.accessTokenReferenceId());
        TelephoneEncounterActionRequest mapped = extensions.beforeEmr(action, request, ids,
                TelephoneEncounterActionRequest.EXTENSION_CHANGEABLE);
        if (mapped != request) {
            action.remap(mapped.getText(), mapped.highPriority());
        }
        return action;
    }

    /** Names the acting staff member from the synced staff, else user, rows (else the note shows the id). */
    public ActionJob enrich(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action) {
        String connection = action.connection().id();
        String ehrId = action.actingUserEhrId();
        Optional<String> name = references.staffMember(connection, ehrId).map(ReferenceRecords.Staff::name)
                .filter(n -> !n.isBlank())
                .or(() -> references.userName(connection, ehrId).filter(n -> !n.isBlank()));
        action.recordActingUserName(name.orElse(null));
        return action;
    }

    /** The note line, stamped now in the clinic's time zone. */
    public ActionJob composeNote(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action) {
        Instant now = clock.instant();
        EmrConnection.FhirSettings settings = action.connection().settings();
        action.recordNote(now, NoteLines.format(now, settings.timezone(), action.actingUserName(),
                action.actingUserEhrId(), action.text()));
        return action;
    }

    /**
     * An EMR failure: within the retry window a retryable one (I/O, timeout, 408/429/5xx) defers
     * the action (safe: the note is a conditional create on the action's identifier); otherwise the
     * action fails with login_required, emr_rejected or emr_unavailable; a refusal for good goes to
     * the connection's {@code emr-refusal} hook first, which may give it a declared code and its description.
     */
    public ActionJob emrFailed(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        // the emr-refusal hook of the connection, as for an encounter: the step and codes only
        failures.failed(action, failure, refusal -> extensions.emrRefusal(action, EmrRefusal.ofAction(action.actionId(),
                String.valueOf(action.jobId()), action.accessTokenReferenceId(),
                action.encounterFound() ? "add-encounter-note" : "read-encounter", refusal.httpStatus(),
                refusal.issueCodes() == null || refusal.issueCodes().isBlank() ? java.util.List.of()
                        : java.util.Arrays.stream(refusal.issueCodes().split(",")).map(String::strip).filter(c -> !c.isEmpty()).toList(),
                refusal.reasonCode())));
        return action;
    }

    /** The queue message of the action's next try. */
    public String retryMessage(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action) {
        return queue.write(ActionMessage.retry(action));
    }

    // The EMR operations (EmrOperations): each adapter input built from the action, each result
    // handed back to the action, which decides what it means.

    /** The connection setting that lets a client act on any encounter of the clinic's EMR, not only its own. */
    public static final String ANY_ENCOUNTER_SETTING = "actions_on_any_encounter";

    /**
     * The action's scope: by default a client acts only on encounters its own requests created on
     * this connection. Any other encounter ends exactly as one the EMR does not have
     * (encounter_not_found, nothing read or written), so an id of another tenant's encounter tells
     * nothing about it. The connection setting {@value #ANY_ENCOUNTER_SETTING} {@code true} opens
     * actions to every encounter of the clinic's EMR.
     */
    public void checkScope(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action) {
        if (Boolean.TRUE.equals(action.connection().options().get(ANY_ENCOUNTER_SETTING))
                || actions.createdByClient(action.clientPk(), action.connection().id(), action.emrAppointmentId())) {
            return;
        }
        log.warn("action {} failed, encounter_not_found: not an encounter this client's requests created", action.actionId());
        action.fail("encounter_not_found", "The encounter was not found in the EMR");
    }

    public ReadEncounter readEncounterInput(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action) {
        return new ReadEncounter(action.emrAppointmentId());
    }

    /** The encounter exists: the note will be about its subject. Not found: the action fails, encounter_not_found. */
    public void encounterRead(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action, @Body EncounterRead read) {
        if (read.found()) {
            action.recordEncounterFound(read.subject());
            return;
        }
        log.warn("action {} failed, encounter_not_found: {}", action.actionId(), read.notFound());
        action.fail("encounter_not_found", "The encounter was not found in the EMR");
    }

    public AddEncounterNote noteInput(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action) {
        return new AddEncounterNote(action.actionId(), action.emrAppointmentId(), action.encounterSubject(),
                new Named(action.actingUserEhrId(), action.actingUserName()), action.highPriority(),
                action.notedAt(), action.noteLine());
    }

    public void noteCreated(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action, @Body NoteCreated created) {
        action.recordNoteId(created.noteId());
    }
}
