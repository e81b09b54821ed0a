package org.telenc.engine.encounter;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.telenc.engine.job.JobQueue;

/**
 * Intake stores a request, then queues it, then answers 200. An engine that dies between the first
 * two leaves a stored request no consumer will ever see; the client, retrying with its
 * Idempotency-Key, is answered with that request's ids. The sweeper finds such requests (stored
 * longer than {@code engine.intake.sweep.after} ago, never started by a consumer) and queues them
 * again. A request that was only slow to reach a consumer gets a second message, which processing
 * absorbs: the job's EMR writes are conditional creates and its outcome is recorded once.
 */
@Component("intakeSweeper")
public class IntakeSweeper {

    private static final Logger log = LoggerFactory.getLogger(IntakeSweeper.class);
    private static final int BATCH = 200;

    /** A request to queue again: its queue message and message group. */
    public record Requeue(String telephoneEncounterId, String queueMessage, String messageGroup) {
    }

    private final EncounterRepository encounters;
    private final JobQueue queue;
    private final Clock clock;
    private final Duration after;

    public IntakeSweeper(EncounterRepository encounters, JobQueue queue, Clock clock,
            @Value("${engine.intake.sweep.after:5m}") Duration after) {
        this.encounters = encounters;
        this.queue = queue;
        this.clock = clock;
        this.after = after;
    }

    /**
     * The message group of a swept request: one of its own, not its patient's. A request found
     * unstarted this late is out of order already, and its patient's group may be the reason it
     * was never consumed: a broker failover can strand a group (its owner gone, the broker still
     * assigning it), and a re-queue in that group would be stranded with it.
     */
    static String sweptGroup(String telephoneEncounterId) {
        return "swept-" + telephoneEncounterId;
    }

    public List<Requeue> due() throws Exception {
        List<Requeue> due = new ArrayList<>();
        for (EncounterRepository.Unstarted row : encounters.sweepUnstarted(clock.instant().minus(after), BATCH)) {
            due.add(new Requeue(row.id(), queue.write(EncounterMessage.first(row.id(), row.jobId())), sweptGroup(row.id())));
            log.warn("telephone encounter {} was stored but never picked up: queued again", row.id());
        }
        return due;
    }
}
