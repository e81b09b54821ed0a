package org.telenc.engine.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.api.ApiResponse;
import org.telenc.engine.encounter.EncounterRepository;
import org.telenc.engine.storage.GroupCommit;
import org.telenc.engine.tenancy.Caller;
import org.telenc.engine.tenancy.Secrets;

/**
 * Stores an accepted request (status processing) before it is queued, and removes it again when
 * queueing fails, so that a 503 leaves nothing behind.
 */
@Component("intakeService")
public class IntakeService {

    private final EncounterRepository encounters;
    private final IdempotencyKeys idempotencyKeys;
    private final ObjectMapper json;
    private final GroupCommit groupCommit;

    public IntakeService(EncounterRepository encounters, IdempotencyKeys idempotencyKeys, ObjectMapper json,
            GroupCommit groupCommit) {
        this.encounters = encounters;
        this.idempotencyKeys = idempotencyKeys;
        this.json = json;
        this.groupCommit = groupCommit;
    }

    /** What was accepted: the ids answered to the caller, the queue message and its group. */
    public record Accepted(String telephoneEncounterId, String jobId, String queueMessage, String messageGroup,
            ApiResponse response) {
    }

    /**
     * Stores the request, and its Idempotency-Key with the answer, in one transaction (shared with
     * concurrent requests: one commit for all of them); returns once it is committed.
     */
    public Accepted accept(@ExchangeProperty("caller") Caller caller,
            @ExchangeProperty("idempotency") IdempotencyKeys.Idempotency idempotency, TelephoneEncounterRequest request) {
        String id = Secrets.newId();
        ObjectNode payload = json.createObjectNode();
        request.values().forEach((field, value) -> payload.put(field.jsonName(), value));
        String payloadJson = payload.toString();
        String group = messageGroup(caller.connectionId(), request.getPatientMrn());
        return groupCommit.run(() -> {
            long jobId = encounters.insertAccepted(id, caller.clientPk(), caller.accessTokenId(), caller.connectionId(),
                    payloadJson);
            ApiResponse response = ApiResponse.ok(json.createObjectNode()
                    .put("success", true)
                    .put("message", "Telephone encounter processing. A webhook event will be sent upon completion.")
                    .put("telephone_encounter_id", id)
                    .put("job_id", String.valueOf(jobId))
                    .toString());
            idempotencyKeys.claim(caller, idempotency, id, response);
            return new Accepted(id, String.valueOf(jobId), queueMessage(json, id, jobId), group, response);
        });
    }

    /** One patient's encounters stay in order (JMSXGroupID); the group id is hashed, the MRN is PHI. */
    public static String messageGroup(String connectionId, String patientMrn) {
        return connectionId + ":" + Secrets.sha256Hex(patientMrn).substring(0, 16);
    }

    /** The queue message of a stored request. */
    public static String queueMessage(ObjectMapper json, String telephoneEncounterId, long jobId) {
        return json.createObjectNode().put("telephone_encounter_id", telephoneEncounterId)
                .put("job_id", String.valueOf(jobId)).toString();
    }

    /** Undoes {@link #accept} when the request could not be queued: request and key are gone. */
    @Transactional
    public void discard(@ExchangeProperty("accepted") Accepted accepted) {
        idempotencyKeys.release(accepted.telephoneEncounterId());
        encounters.delete(accepted.telephoneEncounterId());
    }

    public ApiResponse response(@ExchangeProperty("accepted") Accepted accepted) {
        return accepted.response();
    }
}
