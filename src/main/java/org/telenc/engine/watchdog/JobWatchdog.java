package org.telenc.engine.watchdog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.telenc.engine.action.ActionJobs;
import org.telenc.engine.action.ActionMessage;
import org.telenc.engine.encounter.EncounterJobs;
import org.telenc.engine.encounter.EncounterMessage;
import org.telenc.engine.job.EmrJob;
import org.telenc.engine.job.JobFaults;
import org.telenc.engine.job.JobQueue;

/**
 * Finds jobs of every kind still {@code processing} longer than {@code engine.watchdog.after}
 * after they were accepted: far past what the broker's redeliveries and the EMR retry window allow
 * (the default, 2 h, is twice the default 1 h window). Such a job is re-queued once, in a message
 * group of its own, so that a group the broker no longer delivers (a failover can strand one)
 * cannot hold it; a job still processing {@code engine.watchdog.grace} after that ends
 * {@code failed} ({@code internal_error}) through its kind's finish, with its webhook. A job a
 * consumer finishes meanwhile is recorded once: whichever records first wins. The metric
 * {@code telenc_watchdog_jobs_total} counts both actions by kind; each is a WARN line naming the
 * kind, request id and job id only.
 */
@Component("jobWatchdog")
public class JobWatchdog {

    private static final Logger log = LoggerFactory.getLogger(JobWatchdog.class);
    private static final int BATCH = 100;

    /** A job kind: its table, queue and finish route, and how a queue message of it is made and started. */
    enum Kind {
        ENCOUNTER("telephone encounter", "telephone_encounter", "telephone-encounters.requests",
                "encounter-finish-internal-error"),
        ACTION("action", "telephone_encounter_action", "telephone-encounters.actions", "action-finish-internal-error");

        final String logName;
        final String table;
        final String queue;
        final String finishRoute;

        Kind(String logName, String table, String queue, String finishRoute) {
            this.logName = logName;
            this.table = table;
            this.queue = queue;
            this.finishRoute = finishRoute;
        }

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A job found stuck: re-queue it (its queue message in a group of its own), or end it failed. */
    public record Stuck(Kind kind, String id, long jobId, boolean requeue, String queueMessage) {
        public String queue() {
            return kind.queue;
        }

        public String finishRoute() {
            return kind.finishRoute;
        }

        /** A group of this job alone: not the patient's group, which a failover may have stranded. */
        public String messageGroup() {
            return "watchdog-" + id;
        }
    }

    private final JdbcTemplate jdbc;
    private final JobQueue queue;
    private final EncounterJobs encounters;
    private final ActionJobs actions;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Duration after;
    private final Duration grace;

    public JobWatchdog(JdbcTemplate jdbc, JobQueue queue, EncounterJobs encounters, ActionJobs actions, MeterRegistry meters,
            Clock clock, @Value("${engine.watchdog.after:2h}") Duration after,
            @Value("${engine.watchdog.grace:15m}") Duration grace) {
        this.jdbc = jdbc;
        this.queue = queue;
        this.encounters = encounters;
        this.actions = actions;
        this.meters = meters;
        this.clock = clock;
        this.after = after;
        this.grace = grace;
        for (Kind kind : Kind.values()) {
            for (String action : List.of("requeued", "failed")) {
                counter(kind, action); // present from the start, at 0
            }
        }
    }

    /** The stuck jobs of every kind; the ones to re-queue are marked re-queued now. */
    public List<Stuck> due() throws Exception {
        Instant now = clock.instant();
        Timestamp acceptedBefore = Timestamp.from(now.minus(after));
        Timestamp requeuedBefore = Timestamp.from(now.minus(grace));
        List<Stuck> due = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            List<Stuck> found = jdbc.query("select id, job_id, watchdog_at from " + kind.table
                    + " where status = 'processing' and created_at < ? and (watchdog_at is null or watchdog_at < ?)"
                    + " order by created_at limit ?", (rs, i) -> {
                        String id = rs.getString(1);
                        long jobId = rs.getLong(2);
                        boolean requeue = rs.getTimestamp(3) == null;
                        return new Stuck(kind, id, jobId, requeue, message(kind, id, jobId));
                    }, acceptedBefore, requeuedBefore, BATCH);
            for (Stuck stuck : found) {
                if (stuck.requeue()) {
                    jdbc.update("update " + kind.table + " set watchdog_at = ? where id = ?", Timestamp.from(now), stuck.id());
                    counter(kind, "requeued").increment();
                    log.warn("watchdog: {} {} job {} still processing {} after acceptance: queued again in a group of its own",
                            kind.logName, stuck.id(), stuck.jobId(), after);
                }
            }
            due.addAll(found);
        }
        return due;
    }

    /**
     * The job of a stuck one that was re-queued and is still processing, failed with
     * {@code internal_error}; one whose outcome is recorded meanwhile is returned as it is (its
     * finish queues its pending deliveries again); null when its request is gone.
     */
    public EmrJob failed(@Body Stuck stuck) throws Exception {
        EmrJob job = stuck.kind() == Kind.ENCOUNTER ? encounters.start(stuck.queueMessage()) : actions.start(stuck.queueMessage());
        if (job == null) {
            return null;
        }
        if (!job.alreadyFinished()) {
            job.fail(JobFaults.INTERNAL_ERROR, JobFaults.DESCRIPTION);
            counter(stuck.kind(), "failed").increment();
            log.warn("watchdog: {} {} job {} still processing {} after it was queued again: it ends failed ({})",
                    stuck.kind().logName, stuck.id(), stuck.jobId(), grace, JobFaults.INTERNAL_ERROR);
        }
        return job;
    }

    private String message(Kind kind, String id, long jobId) {
        return kind == Kind.ENCOUNTER ? queue.write(EncounterMessage.first(id, jobId)) : queue.write(ActionMessage.first(id, jobId));
    }

    private Counter counter(Kind kind, String action) {
        return Counter.builder("telenc.watchdog.jobs").description("jobs the watchdog re-queued or ended failed, by kind")
                .tag("kind", kind.tag()).tag("action", action).register(meters);
    }
}
