package org.telenc.engine.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.action.ActionJobs;
import org.telenc.engine.action.ActionRepository;
import org.telenc.engine.api.ApiResponse;
import org.telenc.engine.tenancy.Caller;
import org.telenc.engine.tenancy.Secrets;

/**
 * Stores an accepted add-action request (status processing) before it is queued, and removes it
 * again when queueing fails, so that a 503 leaves nothing behind. The twin of {@link IntakeService}.
 */
@Component("actionIntake")
public class ActionIntake {

    static final String ACCEPTED_MESSAGE = "Action processing. A webhook event will be sent upon completion.";

    private final ActionRepository actions;
    private final ObjectMapper json;

    public ActionIntake(ActionRepository actions, ObjectMapper json) {
        this.actions = actions;
        this.json = json;
    }

    /** What was accepted: the ids answered to the caller, the queue message and its group. */
    public record Accepted(String actionId, String jobId, String queueMessage, String messageGroup, ApiResponse response) {
    }

    @Transactional
    public Accepted accept(@ExchangeProperty("caller") Caller caller, TelephoneEncounterActionRequest request) {
        String id = Secrets.newId();
        ObjectNode payload = json.createObjectNode();
        request.values().forEach((field, value) -> payload.put(field.jsonName(), value));
        long jobId = actions.insertAccepted(id, caller.clientPk(), caller.accessTokenId(), caller.connectionId(),
                request.getEmrAppointmentId(), payload.toString());
        ApiResponse response = ApiResponse.ok(json.createObjectNode()
                .put("success", true)
                .put("message", ACCEPTED_MESSAGE)
                .put("action_id", id)
                .put("job_id", String.valueOf(jobId))
                .toString());
        return new Accepted(id, String.valueOf(jobId), ActionJobs.queueMessage(json, id, jobId),
                messageGroup(caller.connectionId(), request.getEmrAppointmentId()), response);
    }

    /** One encounter's actions stay in order (JMSXGroupID): the connection and the hashed EMR encounter id. */
    public static String messageGroup(String connectionId, String emrAppointmentId) {
        return IntakeService.messageGroup(connectionId, emrAppointmentId);
    }

    /** Undoes {@link #accept} when the action could not be queued. */
    @Transactional
    public void discard(@ExchangeProperty("accepted") Accepted accepted) {
        actions.delete(accepted.actionId());
    }

    public ApiResponse response(@ExchangeProperty("accepted") Accepted accepted) {
        return accepted.response();
    }
}
