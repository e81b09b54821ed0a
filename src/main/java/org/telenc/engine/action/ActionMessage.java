package org.telenc.engine.action;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.telenc.engine.job.JobMessage;

/**
 * The queue message of an add-action job ({@code telephone-encounters.actions}):
 * {@code {"action_id":…,"job_id":"…"}}, plus {@code emr_attempt} on a deferred try.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ActionMessage(@JsonProperty("action_id") String actionId, @JsonProperty("job_id") String jobId,
        @JsonProperty("emr_attempt") Integer emrAttempt) implements JobMessage {

    /** The first try's message of a stored action. */
    public static ActionMessage first(String actionId, long jobId) {
        return new ActionMessage(actionId, String.valueOf(jobId), null);
    }

    /** The message of the action's next try. */
    public static ActionMessage retry(ActionJob action) {
        return new ActionMessage(action.actionId(), String.valueOf(action.jobId()), action.emrAttempt() + 1);
    }

    @Override
    public String requestId() {
        return actionId;
    }
}
