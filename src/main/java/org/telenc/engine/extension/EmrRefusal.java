package org.telenc.engine.extension;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code emr-refusal} point's input (the team route gets it as a map, by these JSON names) and,
 * read back from the map the route leaves, its answer ({@code reason_code}): the EMR's refusal of a
 * step before the encounter exists, as codes only (the step, the HTTP status, the FHIR issue codes
 * of the answer, the engine's own classification). Never a body, a URL or a request field. The
 * route may also answer a {@code description} of its code (the webhook's failure reason, 1 to 500
 * characters of the team's own text); the input's is null. For an Add Action job, {@code action_id}
 * is set and {@code telephone_encounter_id} is null.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EmrRefusal(
        @JsonProperty("telephone_encounter_id") String telephoneEncounterId,
        @JsonProperty("job_id") String jobId,
        @JsonProperty("access_token_reference_id") String accessTokenReferenceId,
        @JsonProperty("step") String step,
        @JsonProperty("http_status") int httpStatus,
        @JsonProperty("issue_codes") List<String> issueCodes,
        @JsonProperty("reason_code") String reasonCode,
        @JsonProperty("description") String description,
        @JsonProperty("action_id") String actionId) {

    /** The input of the point: no description (the route may answer one). */
    public EmrRefusal(String telephoneEncounterId, String jobId, String accessTokenReferenceId, String step, int httpStatus,
            List<String> issueCodes, String reasonCode) {
        this(telephoneEncounterId, jobId, accessTokenReferenceId, step, httpStatus, issueCodes, reasonCode, null, null);
    }

    /** The input of the point for an Add Action job: its action id, no encounter id; steps read-encounter, add-encounter-note. */
    public static EmrRefusal ofAction(String actionId, String jobId, String accessTokenReferenceId, String step, int httpStatus,
            List<String> issueCodes, String reasonCode) {
        return new EmrRefusal(null, jobId, accessTokenReferenceId, step, httpStatus, issueCodes, reasonCode, null, actionId);
    }

    public EmrRefusal {
        issueCodes = issueCodes == null ? List.of() : List.copyOf(issueCodes);
    }
}
