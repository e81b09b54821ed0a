package org.telenc.engine.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiResponse;
import org.telenc.engine.tenancy.Secrets;

/**
 * The intake steps every kind shares once a request is valid: a new request id, the stored
 * payload (the request's fields by JSON name), the 200 answer naming the request and its job, and
 * what the intake route queues ({@link Accepted}).
 */
@Component
public class JobIntake {

    private final ObjectMapper json;

    public JobIntake(ObjectMapper json) {
        this.json = json;
    }

    /**
     * What was accepted: the request's id and job id (as answered), its queue message and message
     * group, and the answer. The intake route queues {@code queueMessage} in {@code messageGroup}.
     */
    public record Accepted(String id, String jobId, String queueMessage, String messageGroup, ApiResponse response) {
    }

    public String newId() {
        return Secrets.newId();
    }

    /** The payload stored with the request: its fields by JSON name, as one JSON object. */
    public String payload(Map<String, String> fields) {
        return write(fields);
    }

    /**
     * The answer to an accepted request: {@code success}, the kind's {@code message}, the request's
     * id under the kind's field name and the job id (as a string).
     */
    public ApiResponse acceptedAnswer(String message, String idField, String id, long jobId) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", true);
        answer.put("message", message);
        answer.put(idField, id);
        answer.put("job_id", String.valueOf(jobId));
        return ApiResponse.ok(write(answer));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
