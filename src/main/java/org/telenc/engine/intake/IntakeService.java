package org.telenc.engine.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.telenc.engine.encounter.EncounterRepository;
import org.telenc.engine.tenancy.Caller;
import org.telenc.engine.tenancy.Secrets;

/**
 * Stores an accepted request (status processing) before it is queued, and removes it again when
 * queueing fails, so that a 503 leaves nothing behind.
 */
@Component("intakeService")
public class IntakeService {

    private final EncounterRepository encounters;
    private final ObjectMapper json;

    public IntakeService(EncounterRepository encounters, ObjectMapper json) {
        this.encounters = encounters;
        this.json = json;
    }

    /** What was accepted: the ids answered to the caller, the queue message and its group. */
    public record Accepted(String telephoneEncounterId, String jobId, String queueMessage, String messageGroup) {
    }

    public Accepted accept(@ExchangeProperty("caller") Caller caller, TelephoneEncounterRequest request) {
        String id = Secrets.newId();
        ObjectNode payload = json.createObjectNode();
        request.values().forEach((field, value) -> payload.put(field.jsonName(), value));
        long jobId = encounters.insertAccepted(id, caller.clientPk(), caller.accessTokenId(), caller.connectionId(),
                payload.toString());
        ObjectNode message = json.createObjectNode().put("telephone_encounter_id", id).put("job_id", String.valueOf(jobId));
        // one patient's encounters stay in order; the group id is hashed, the MRN is PHI
        String group = caller.connectionId() + ":" + Secrets.sha256Hex(request.getPatientMrn()).substring(0, 16);
        return new Accepted(id, String.valueOf(jobId), message.toString(), group);
    }

    public void discard(@ExchangeProperty("accepted") Accepted accepted) {
        encounters.delete(accepted.telephoneEncounterId());
    }

    public String response(@ExchangeProperty("accepted") Accepted accepted) {
        return json.createObjectNode()
                .put("success", true)
                .put("message", "Telephone encounter processing. A webhook event will be sent upon completion.")
                .put("telephone_encounter_id", accepted.telephoneEncounterId())
                .put("job_id", accepted.jobId())
                .toString();
    }
}
