package org.telenc.engine.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.telenc.engine.emr.EmrConnection;

/**
 * What every EMR job shares while it is processed, whatever its kind: the ids, the EMR connection,
 * when it was accepted and which try at the EMR this is, a deferral to a later try, and the reasons
 * it failed. A kind (a telephone encounter, an action) adds what it asks and what the EMR answered,
 * and says when it has an outcome. The flows read it through its getters.
 */
public abstract class EmrJob {

    private final JobHeader header;
    private Long retryDelayMillis;
    private final List<Reason> failures = new ArrayList<>();

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
        return outcome.isFailure() ? getFailures() : List.of();
    }

    /** The stored request's id (telephone_encounter_id, action_id). */
    protected String requestId() {
        return header.requestId();
    }

    /** True while nothing has failed or been deferred: the flow goes on to the next EMR step. */
    public boolean isPending() {
        return failures.isEmpty() && !isDeferred();
    }

    /** The EMR failed retryably within the retry window: this try ends, the job is re-queued. */
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

    public long getJobId() {
        return header.jobId();
    }

    public String getClientPk() {
        return header.clientPk();
    }

    public String getAccessTokenReferenceId() {
        return header.accessTokenReferenceId();
    }

    public EmrConnection getConnection() {
        return header.connection();
    }

    /** The adapter family of this job's connection, which names the routes to call. */
    public String getEmrType() {
        return header.connection().emrType();
    }

    public boolean isAlreadyFinished() {
        return header.alreadyFinished();
    }

    /** When the request was accepted: the EMR retry window counts from here. */
    public Instant getAcceptedAt() {
        return header.acceptedAt();
    }

    /** 1 for the first try at the EMR, 2 after one deferral, and so on. */
    public int getEmrAttempt() {
        return header.emrAttempt();
    }
}
