package org.telenc.engine.action;

import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.api.ApiResponse;
import org.telenc.engine.job.JobIntake;
import org.telenc.engine.job.JobIntake.Accepted;
import org.telenc.engine.job.JobQueue;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.tenancy.Caller;

/**
 * Stores an accepted add-action request (status processing) before it is queued, and removes it
 * again when queueing fails, so that a 503 leaves nothing behind. The steps every kind shares are
 * {@link JobIntake}'s. An add-action request is not counted by intake channel and takes no
 * Idempotency-Key: the intake template's switches leave those steps out for this kind.
 */
@Component("actionIntake")
public class ActionIntake {

    static final String ACCEPTED_MESSAGE = "Action processing. A webhook event will be sent upon completion.";

    private final ActionRepository actions;
    private final JobIntake intake;
    private final JobQueue queue;

    public ActionIntake(ActionRepository actions, JobIntake intake, JobQueue queue) {
        this.actions = actions;
        this.intake = intake;
        this.queue = queue;
    }

    @Transactional
    public Accepted accept(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller, TelephoneEncounterActionRequest request) {
        String id = intake.newId();
        long jobId = actions.insertAccepted(id, caller.clientPk(), caller.accessTokenId(), caller.connectionId(),
                request.getEmrAppointmentId(), intake.payload(request.valuesByJsonName()));
        return new Accepted(id, String.valueOf(jobId), queue.write(ActionMessage.first(id, jobId)),
                messageGroup(caller.connectionId(), request.getEmrAppointmentId()),
                intake.acceptedAnswer(ACCEPTED_MESSAGE, "action_id", id, jobId));
    }

    /** One encounter's actions stay in order (JMSXGroupID): the connection and the hashed EMR encounter id. */
    public static String messageGroup(String connectionId, String emrAppointmentId) {
        return JobQueue.messageGroup(connectionId, emrAppointmentId);
    }

    /** Undoes {@link #accept} when the action could not be queued. */
    @Transactional
    public void discard(@ExchangeProperty(ExchangeProperties.ACCEPTED) Accepted accepted) {
        actions.delete(accepted.id());
    }

    public ApiResponse response(@ExchangeProperty(ExchangeProperties.ACCEPTED) Accepted accepted) {
        return accepted.response();
    }
}
