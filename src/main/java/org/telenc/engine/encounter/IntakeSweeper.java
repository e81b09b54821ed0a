package org.telenc.engine.encounter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    private final ObjectMapper json;
    private final JobQueue queue;
    private final Clock clock;
    private final Duration after;

    public IntakeSweeper(EncounterRepository encounters, ObjectMapper json, JobQueue queue, Clock clock,
            @Value("${engine.intake.sweep.after:5m}") Duration after) {
        this.encounters = encounters;
        this.json = json;
        this.queue = queue;
        this.clock = clock;
        this.after = after;
    }

    /** The one field of a stored payload the sweeper needs: the message group hashes the MRN. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record StoredMrn(@JsonProperty("patient_mrn") String patientMrn) {
        @Override
        public String toString() {
            return "StoredMrn[patientMrn=(PHI)]";
        }
    }

    public List<Requeue> due() throws Exception {
        List<Requeue> due = new ArrayList<>();
        for (EncounterRepository.Unstarted row : encounters.sweepUnstarted(clock.instant().minus(after), BATCH)) {
            String mrn = json.readValue(row.payload(), StoredMrn.class).patientMrn();
            due.add(new Requeue(row.id(), queue.write(EncounterMessage.first(row.id(), row.jobId())),
                    IntakeService.messageGroup(row.connectionId(), mrn == null ? "" : mrn)));
            log.warn("telephone encounter {} was stored but never picked up: queued again", row.id());
        }
        return due;
    }
}
