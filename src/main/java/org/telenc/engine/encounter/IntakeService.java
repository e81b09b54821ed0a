package org.telenc.engine.encounter;

import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.api.ApiResponse;
import org.telenc.engine.intake.IdempotencyKeys;
import org.telenc.engine.job.JobIntake;
import org.telenc.engine.job.JobIntake.Accepted;
import org.telenc.engine.job.JobQueue;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.storage.GroupCommit;
import org.telenc.engine.tenancy.Caller;

/**
 * Stores an accepted telephone encounter request (status processing) before it is queued, and
 * removes it again when queueing fails, so that a 503 leaves nothing behind. The steps every kind
 * shares are {@link JobIntake}'s; this kind adds the Idempotency-Key and the group commit.
 */
@Component("intakeService")
public class IntakeService {

    static final String ACCEPTED_MESSAGE = "Telephone encounter processing. A webhook event will be sent upon completion.";

    private final EncounterRepository encounters;
    private final IdempotencyKeys idempotencyKeys;
    private final JobIntake intake;
    private final JobQueue queue;
    private final GroupCommit groupCommit;

    public IntakeService(EncounterRepository encounters, IdempotencyKeys idempotencyKeys, JobIntake intake, JobQueue queue,
            GroupCommit groupCommit) {
        this.encounters = encounters;
        this.idempotencyKeys = idempotencyKeys;
        this.intake = intake;
        this.queue = queue;
        this.groupCommit = groupCommit;
    }

    /**
     * Stores the request, and its Idempotency-Key with the answer, in one transaction (shared with
     * concurrent requests: one commit for all of them); returns once it is committed.
     */
    public Accepted accept(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller,
            @ExchangeProperty(ExchangeProperties.IDEMPOTENCY) IdempotencyKeys.Idempotency idempotency, TelephoneEncounterRequest request) {
        String id = intake.newId();
        String payload = intake.payload(request.valuesByJsonName());
        String group = messageGroup(caller.connectionId(), request.getPatientMrn());
        return groupCommit.run(() -> {
            long jobId = encounters.insertAccepted(id, caller.clientPk(), caller.accessTokenId(), caller.connectionId(),
                    payload);
            ApiResponse response = intake.acceptedAnswer(ACCEPTED_MESSAGE, "telephone_encounter_id", id, jobId);
            idempotencyKeys.claim(caller, idempotency, id, response);
            return new Accepted(id, String.valueOf(jobId), queue.write(EncounterMessage.first(id, jobId)), group, response);
        });
    }

    /** One patient's encounters stay in order (JMSXGroupID); the group id is hashed, the MRN is PHI. */
    public static String messageGroup(String connectionId, String patientMrn) {
        return JobQueue.messageGroup(connectionId, patientMrn);
    }

    /** Undoes {@link #accept} when the request could not be queued: request and key are gone. */
    @Transactional
    public void discard(@ExchangeProperty(ExchangeProperties.ACCEPTED) Accepted accepted) {
        idempotencyKeys.release(accepted.id());
        encounters.delete(accepted.id());
    }

    public ApiResponse response(@ExchangeProperty(ExchangeProperties.ACCEPTED) Accepted accepted) {
        return accepted.response();
    }
}
