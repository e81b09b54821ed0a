package org.telenc.engine.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.emr.fhir.FhirCall;
import org.telenc.engine.emr.fhir.FhirResponses;

/** The EMR call timer's outcome label agrees with how the adapter treats every status. */
class FhirCallOutcomeTest {

    @Test
    void theOutcomeOfEveryStatusMatchesWhatCheckDoes() {
        FhirResponses responses = new FhirResponses(FhirContext.forR4Cached(), Clock.systemUTC());
        FhirCall call = FhirCall.get("find-patient", "https://emr.example/Patient");
        for (int status = 100; status < 600; status++) {
            int code = status;
            Throwable thrown = catchThrowable(() -> responses.check(code, call, "{}"));
            String expected = thrown == null ? "ok" : thrown instanceof EmrRetryableException ? "retryable" : "permanent";
            assertThat(FhirResponses.outcome(code)).as("HTTP %d", code).isEqualTo(expected);
        }
        assertThat(FhirResponses.outcome(null)).isEqualTo("permanent");
    }
}
