package org.telenc.engine.encounter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.routes.MessageHeaders;
import org.telenc.engine.tenancy.Caller;

/** GET /v1/telephone-encounters/{id}: the status of one of the caller's encounters. */
@Component("encounterApi")
public class EncounterApi {

    private final EncounterRepository encounters;
    private final ObjectMapper json;

    public EncounterApi(EncounterRepository encounters, ObjectMapper json) {
        this.encounters = encounters;
        this.json = json;
    }

    public String get(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller, @Header(MessageHeaders.ID) String id) throws Exception {
        EncounterRepository.EncounterRow row = encounters.find(id == null ? "" : id)
                .filter(e -> e.clientPk().equals(caller.clientPk()))
                .orElseThrow(() -> new ApiException(404, "telephone_encounter_not_found", "Telephone encounter not found."));
        ObjectNode answer = json.createObjectNode().put("success", true);
        ObjectNode encounter = answer.putObject("telephone_encounter");
        encounter.put("id", row.id()).put("job_id", String.valueOf(row.jobId())).put("status", row.status())
                .put("emr_appointment_id", row.emrAppointmentId())
                .put("created_at", row.createdAt().toString()).put("updated_at", row.updatedAt().toString());
        encounter.set("reasons", row.reasonsJson() == null ? json.createArrayNode() : json.readTree(row.reasonsJson()));
        return answer.toString();
    }
}
