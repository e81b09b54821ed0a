package org.telenc.engine.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * A job on its queue and back: queue messages written and read with the engine's one
 * {@link ObjectMapper}, the message group that keeps related jobs in order, and the
 * {@link JobHeader} a consumer rebuilds from the stored request row.
 */
@Component
public class JobQueue {

    private static final Logger log = LoggerFactory.getLogger(JobQueue.class);
    private static final Pattern ENGINE_ID = Pattern.compile("[0-9a-f]{32}");

    private final ObjectMapper json;
    private final TenancyRepository tenancy;
    private final EmrConnections connections;

    public JobQueue(ObjectMapper json, TenancyRepository tenancy, EmrConnections connections) {
        this.json = json;
        this.tenancy = tenancy;
        this.connections = connections;
    }

    /** One group's messages are consumed in order (JMSXGroupID); the key is hashed, it may be PHI. */
    public static String messageGroup(String connectionId, String key) {
        return connectionId + ":" + Secrets.sha256Hex(key).substring(0, 16);
    }

    public String write(JobMessage message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The message as its record. Text that is not JSON throws (it never clears: job faults
     * dead-letter it); JSON of another shape reads as a message that names no request.
     */
    public <M extends JobMessage> M read(String message, Class<M> type) throws JsonProcessingException {
        try {
            M read = json.readValue(message, type);
            return read != null ? read : json.readValue("{}", type);
        } catch (MismatchedInputException e) {
            return json.readValue("{}", type);
        }
    }

    /** An id as it may be logged: an engine id as it is, anything else (it might be text) never. */
    public static String loggable(String id) {
        return id != null && ENGINE_ID.matcher(id).matches() ? id : "(not an engine id)";
    }

    /** The request id a queue message names, or null when it is not a JSON object naming an engine id. */
    public String requestIdOf(String message, Class<? extends JobMessage> type) {
        if (message == null) {
            return null;
        }
        try {
            String id = read(message, type).requestId();
            return id != null && ENGINE_ID.matcher(id).matches() ? id : null; // anything else might not be an id: never logged
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The request id a queue message of any kind names (telephone_encounter_id, action_id), or null. */
    public String anyRequestIdOf(String message) {
        if (message == null) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode fields = json.readTree(message);
            for (String field : new String[] {"telephone_encounter_id", "action_id"}) {
                String id = fields.path(field).asText(null);
                if (id != null && ENGINE_ID.matcher(id).matches()) {
                    return id;
                }
            }
            return null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** What a consumer knows of a stored request before its kind adds its own part. */
    public JobHeader header(StoredJob row, JobMessage message, String kindName) {
        log.info("processing {} {} job {} (EMR try {}){}", kindName, row.id(), row.jobId(), message.attempt(),
                row.isFinished() ? " (already finished)" : "");
        return new JobHeader(row.id(), row.jobId(), row.clientPk(), tenancy.tokenReferenceId(row.accessTokenId()),
                connections.get(row.connectionId()), row.isFinished(), row.createdAt(), message.attempt());
    }
}
