package org.telenc.engine.action;

import java.time.Instant;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.job.EmrJob;
import org.telenc.engine.job.JobHeader;

/**
 * One queued add-action request while it is processed, a kind of {@link EmrJob}: what was asked,
 * who acts and what the EMR answered so far. The adapter routes read it and the action beans
 * record into it; the flow branches on {@link #outcome()}.
 */
public class ActionJob extends EmrJob {

    private final String emrAppointmentId;
    private final String text;
    private final boolean highPriority;
    private final String actingUserEhrId;

    private String actingUserName;
    private String encounterSubject;
    private boolean encounterFound;
    private Instant notedAt;
    private String noteLine;
    private String noteId;

    public ActionJob(JobHeader header, String emrAppointmentId, String text, boolean highPriority,
            String actingUserEhrId) {
        super(header);
        this.emrAppointmentId = emrAppointmentId;
        this.text = text;
        this.highPriority = highPriority;
        this.actingUserEhrId = actingUserEhrId;
    }

    public ActionJob(String actionId, long jobId, String clientPk, String accessTokenReferenceId, EmrConnection connection,
            String emrAppointmentId, String text, boolean highPriority, String actingUserEhrId, boolean alreadyFinished,
            Instant acceptedAt, int emrAttempt) {
        this(new JobHeader(actionId, jobId, clientPk, accessTokenReferenceId, connection, alreadyFinished, acceptedAt,
                emrAttempt), emrAppointmentId, text, highPriority, actingUserEhrId);
    }

    /** created or failed; null while still pending or deferred. */
    @Override
    public ActionOutcome outcome() {
        if (deferred()) {
            return null;
        }
        if (!failures().isEmpty()) {
            return ActionOutcome.FAILED;
        }
        return noteId == null ? null : ActionOutcome.CREATED;
    }

    @Override
    protected ActionOutcome failedOutcome() {
        return ActionOutcome.FAILED;
    }

    @Override
    protected String kindName() {
        return "action";
    }

    public String getActionId() {
        return requestId();
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
        return "ActionJob[" + getActionId() + ", job " + jobId() + "]";
    }
}
