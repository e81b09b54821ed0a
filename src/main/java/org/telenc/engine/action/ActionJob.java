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
    private String text;
    private boolean highPriority;
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

    public String actionId() {
        return requestId();
    }

    public String emrAppointmentId() {
        return emrAppointmentId;
    }

    /** The note text (PHI). */
    public String text() {
        return text;
    }

    /** The text and priority as the connection's before-emr extension mapped them. */
    public void remap(String mappedText, boolean mappedHighPriority) {
        this.text = mappedText;
        this.highPriority = mappedHighPriority;
    }

    public boolean highPriority() {
        return highPriority;
    }

    /** The access token's EMR user: the staff member the note is written as. */
    public String actingUserEhrId() {
        return actingUserEhrId;
    }

    public String actingUserName() {
        return actingUserName;
    }

    public void recordActingUserName(String actingUserName) {
        this.actingUserName = actingUserName;
    }

    /** The encounter's subject as the EMR holds it (e.g. {@code Patient/123}), or null if it has none. */
    public String encounterSubject() {
        return encounterSubject;
    }

    /** The EMR has the encounter: records its subject. */
    public void recordEncounterFound(String subject) {
        this.encounterFound = true;
        this.encounterSubject = subject;
    }

    public boolean encounterFound() {
        return encounterFound;
    }

    public Instant notedAt() {
        return notedAt;
    }

    /** The note line (PHI: it holds the text). */
    public String noteLine() {
        return noteLine;
    }

    public void recordNote(Instant notedAt, String noteLine) {
        this.notedAt = notedAt;
        this.noteLine = noteLine;
    }

    /** The EMR's id of the written note. */
    public String noteId() {
        return noteId;
    }

    public void recordNoteId(String noteId) {
        this.noteId = noteId;
    }

    /** Ids only: the text is PHI. */
    @Override
    public String toString() {
        return "ActionJob[" + actionId() + ", job " + jobId() + "]";
    }
}
