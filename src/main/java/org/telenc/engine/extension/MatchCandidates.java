package org.telenc.engine.extension;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code after-match} point's input (the team route gets it as a map, by these JSON names) and,
 * read back from the map the route leaves, its answer: the EMR ids of the patients that have the
 * MRN and of the refill orders that match the requested name. Ids only: no MRN, name or
 * medication name. An answer may keep a subset of each list, never an id the engine did not send.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MatchCandidates(
        @JsonProperty("telephone_encounter_id") String telephoneEncounterId,
        @JsonProperty("job_id") String jobId,
        @JsonProperty("access_token_reference_id") String accessTokenReferenceId,
        @JsonProperty("patient_ids") List<String> patientIds,
        @JsonProperty("refill_requested") boolean refillRequested,
        @JsonProperty("medication_order_ids") List<String> medicationOrderIds) {

    public MatchCandidates {
        patientIds = patientIds == null ? null : List.copyOf(patientIds);
        medicationOrderIds = medicationOrderIds == null ? null : List.copyOf(medicationOrderIds);
    }

    /** What the engine goes on with: the narrowed lists, or a refusal (then the lists are null). */
    public record Choice(List<String> patientIds, List<String> medicationOrderIds, JobRefusal refusal) {
    }
}
