package org.telenc.engine.action;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.telenc.engine.emr.EmrConnection;

/**
 * One queued add-action request while it is processed: what was asked, who acts, what the EMR
 * answered so far, and the reasons of a failure. The adapter routes read it and the action beans
 * record into it; the flow branches on {@link #outcome()}.
 */
public class ActionJob {

    private final String actionId;
    private final long jobId;
    private final String clientPk;
    private final String accessTokenReferenceId;
    private final EmrConnection connection;
    private final String emrAppointmentId;
    private final String text;
    private final boolean highPriority;
    private final String actingUserEhrId;
    private final boolean alreadyFinished;
    private final Instant acceptedAt;
    private final int emrAttempt;
    private Long retryDelayMillis;

    private String actingUserName;
    private String encounterSubject;
    private boolean encounterFound;
    private Instant notedAt;
    private String noteLine;
    private String noteId;
    private final List<Reason> failures = new ArrayList<>();

    public ActionJob(String actionId, long jobId, String clientPk, String accessTokenReferenceId, EmrConnection connection,
            String emrAppointmentId, String text, boolean highPriority, String actingUserEhrId, boolean alreadyFinished,
            Instant acceptedAt, int emrAttempt) {
        this.actionId = actionId;
        this.jobId = jobId;
        this.clientPk = clientPk;
        this.accessTokenReferenceId = accessTokenReferenceId;
        this.connection = connection;
        this.emrAppointmentId = emrAppointmentId;
        this.text = text;
        this.highPriority = highPriority;
        this.actingUserEhrId = actingUserEhrId;
        this.alreadyFinished = alreadyFinished;
        this.acceptedAt = acceptedAt;
        this.emrAttempt = emrAttempt;
    }

    /** A reason as webhooks carry it. */
    public record Reason(String code, String description) {
    }

    /** created or failed; null while still pending or deferred. */
    public ActionOutcome outcome() {
        if (isDeferred()) {
            return null;
        }
        if (!failures.isEmpty()) {
            return ActionOutcome.FAILED;
        }
        return noteId == null ? null : ActionOutcome.CREATED;
    }

    /** True while nothing has failed or been deferred: the flow goes on to the next EMR step. */
    public boolean isPending() {
        return failures.isEmpty() && !isDeferred();
    }

    /** The EMR failed retryably within the retry window: this try ends, the action is re-queued. */
    public void defer(long delayMillis) {
        this.retryDelayMillis = delayMillis;
    }

    public boolean isDeferred() {
        return retryDelayMillis != null;
    }

    public Long getRetryDelayMillis() {
        return retryDelayMillis;
    }

    public void fail(String code, String description) {
        failures.add(new Reason(code, description));
    }

    public List<Reason> getFailures() {
        return List.copyOf(failures);
    }

    public String getActionId() {
        return actionId;
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

    /** The adapter family of this action's connection, which names the routes to call. */
    public String getEmrType() {
        return connection.emrType();
    }

    public String getEmrAppointmentId() {
        return emrAppointmentId;
    }

    /** The note text (PHI). */
    public String getText() {
        return text;
    }

    public boolean isHighPriority() {
        return highPriority;
    }

    /** The access token's EMR user: the staff member the note is written as. */
    public String getActingUserEhrId() {
        return actingUserEhrId;
    }

    public String getActingUserName() {
        return actingUserName;
    }

    public void setActingUserName(String actingUserName) {
        this.actingUserName = actingUserName;
    }

    public boolean isAlreadyFinished() {
        return alreadyFinished;
    }

    /** When the action was accepted: the EMR retry window counts from here. */
    public Instant getAcceptedAt() {
        return acceptedAt;
    }

    /** 1 for the first try at the EMR, 2 after one deferral, and so on. */
    public int getEmrAttempt() {
        return emrAttempt;
    }

    /** The encounter's subject as the EMR holds it (e.g. {@code Patient/123}), or null if it has none. */
    public String getEncounterSubject() {
        return encounterSubject;
    }

    /** The EMR has the encounter: records its subject. */
    public void encounterFound(String subject) {
        this.encounterFound = true;
        this.encounterSubject = subject;
    }

    public boolean isEncounterFound() {
        return encounterFound;
    }

    public Instant getNotedAt() {
        return notedAt;
    }

    /** The note line (PHI: it holds the text). */
    public String getNoteLine() {
        return noteLine;
    }

    public void setNote(Instant notedAt, String noteLine) {
        this.notedAt = notedAt;
        this.noteLine = noteLine;
    }

    /** The EMR's id of the written note. */
    public String getNoteId() {
        return noteId;
    }

    public void setNoteId(String noteId) {
        this.noteId = noteId;
    }

    /** Ids only: the text is PHI. */
    @Override
    public String toString() {
        return "ActionJob[" + actionId + ", job " + jobId + "]";
    }
}
