package org.telenc.engine.encounter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.telenc.engine.job.JobMessage;

/**
 * The queue message of a telephone encounter job ({@code telephone-encounters.requests}):
 * {@code {"telephone_encounter_id":…,"job_id":"…"}}, plus {@code emr_attempt} on a deferred try.
 * Older engines wrote the retry message without {@code job_id}; it reads the same.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EncounterMessage(@JsonProperty("telephone_encounter_id") String telephoneEncounterId,
        @JsonProperty("job_id") String jobId, @JsonProperty("emr_attempt") Integer emrAttempt) implements JobMessage {

    /** The first try's message of a stored request. */
    public static EncounterMessage first(String telephoneEncounterId, long jobId) {
        return new EncounterMessage(telephoneEncounterId, String.valueOf(jobId), null);
    }

    /** The message of the job's next try. */
    public static EncounterMessage retry(EncounterJob job) {
        return new EncounterMessage(job.telephoneEncounterId(), String.valueOf(job.jobId()), job.emrAttempt() + 1);
    }

    @Override
    public String requestId() {
        return telephoneEncounterId;
    }
}
