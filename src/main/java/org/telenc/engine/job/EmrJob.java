package org.telenc.engine.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.telenc.engine.emr.EmrConnection;

/**
 * What every EMR job shares while it is processed, whatever its kind: the ids, the EMR connection,
 * when it was accepted and which try at the EMR this is, a deferral to a later try, and the reasons
 * it failed. A kind (a telephone encounter, an action) adds what it asks and what the EMR answered,
 * and says when it has an outcome. The flows read it through its record-style accessors.
 */
public abstract class EmrJob {

    private final JobHeader header;
    private Long retryDelayMillis;
    private final List<Reason> failures = new ArrayList<>();
    private String recordedEvent;

    protected EmrJob(JobHeader header) {
        this.header = header;
    }

    /** A reason as webhooks carry it. */
    public record Reason(String code, String description) {
    }

    /** The kind's terminal outcome; null while still pending or deferred. */
    public abstract JobOutcome outcome();

    /** The failed outcome of this kind: what a job without an outcome is recorded as. */
    protected abstract JobOutcome failedOutcome();

    /** How logs name this kind ("telephone encounter", "action"), followed by the request id. */
    protected abstract String kindName();

    /** The reasons an outcome carries: the failures of a failed one, none otherwise. */
    protected List<Reason> reasonsOf(JobOutcome outcome) {
        return outcome.isFailure() ? failures() : List.of();
    }

    /** The stored request's id (telephone_encounter_id, action_id). */
    protected String requestId() {
        return header.requestId();
    }

    /** True while nothing has failed or been deferred: the flow goes on to the next EMR step. */
    public boolean pending() {
        return failures.isEmpty() && !deferred();
    }

    /** The EMR failed retryably within the retry window: this try ends, the job is re-queued. */
    public void defer(long delayMillis) {
        this.retryDelayMillis = delayMillis;
    }

    public boolean deferred() {
        return retryDelayMillis != null;
    }

    public Long retryDelayMillis() {
        return retryDelayMillis;
    }

    public void fail(String code, String description) {
        failures.add(new Reason(code, description));
    }

    public List<Reason> failures() {
        return List.copyOf(failures);
    }

    /**
     * The terminal event (its JSON, as webhooks carry it) if this try recorded it; null otherwise,
     * also when the event existed already (a redelivered job). The after-outcome extension runs on it.
     */
    public String recordedEvent() {
        return recordedEvent;
    }

    void recordEvent(String eventJson) {
        this.recordedEvent = eventJson;
    }

    public long jobId() {
        return header.jobId();
    }

    public String clientPk() {
        return header.clientPk();
    }

    public String accessTokenReferenceId() {
        return header.accessTokenReferenceId();
    }

    public EmrConnection connection() {
        return header.connection();
    }

    /** The adapter family of this job's connection, which names the routes to call. */
    public String emrType() {
        return header.connection().emrType();
    }

    public boolean alreadyFinished() {
        return header.alreadyFinished();
    }

    /** When the request was accepted: the EMR retry window counts from here. */
    public Instant acceptedAt() {
        return header.acceptedAt();
    }

    /** 1 for the first try at the EMR, 2 after one deferral, and so on. */
    public int emrAttempt() {
        return header.emrAttempt();
    }
}
