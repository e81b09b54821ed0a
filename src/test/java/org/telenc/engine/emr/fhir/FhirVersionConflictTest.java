package org.telenc.engine.emr.fhir;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.emr.EmrVersionConflictException;

/**
 * How {@link FhirResponses#check} reads a conflict answer: a version conflict (412, or 409 whose
 * OperationOutcome says so: issue code {@code conflict}, or a HAPI version-conflict message code)
 * on a write guarded by If-Match is resolved by reading again; any other 409 or 412 is retried.
 */
class FhirVersionConflictTest {

    static final FhirResponses RESPONSES = new FhirResponses(FhirContext.forR4Cached(), Clock.systemUTC());
    static final FhirCall GUARDED_PUT = new FhirCall("ensure-patient-pharmacy", "PUT", "https://emr.test/List/1", "{}", null, "W/\"2\"");
    static final FhirCall TRANSACTION = new FhirCall(FhirEncounterTransactions.WRITE_ENCOUNTER_TRANSACTION, "POST", "https://emr.test",
            "{}", null, null);
    static final FhirCall CREATE = new FhirCall("add-task", "POST", "https://emr.test/Task", "{}", "identifier=x", null);

    static String outcome(String code, String diagnostics) {
        return """
                {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"%s","diagnostics":"%s"}]}"""
                .formatted(code, diagnostics);
    }

    static Stream<Arguments> conflicts() {
        return Stream.of(
                Arguments.of(412, GUARDED_PUT, outcome("processing", "Precondition failed")),
                Arguments.of(412, TRANSACTION, ""),
                Arguments.of(409, GUARDED_PUT, outcome("processing",
                        "HAPI-0989: Trying to update List/1/_history/2 but this is not the current version")),
                Arguments.of(409, TRANSACTION, outcome("processing",
                        "HAPI-0550: HAPI-0989: Trying to update Patient/p/_history/2 but this is not the current version")),
                Arguments.of(409, GUARDED_PUT, outcome("processing", "HAPI-0826: The operation has failed with a version constraint failure")),
                Arguments.of(409, TRANSACTION, outcome("conflict", "")));
    }

    @ParameterizedTest
    @MethodSource("conflicts")
    void aVersionConflictIsReadAgainNotResent(int status, FhirCall call, String body) {
        assertThatThrownBy(() -> RESPONSES.check(status, call, body)).isInstanceOf(EmrVersionConflictException.class);
    }

    static Stream<Arguments> retried() {
        return Stream.of(
                // a 409 that is no version conflict (HAPI-0825: a unique constraint), or says nothing
                Arguments.of(409, GUARDED_PUT, outcome("processing", "HAPI-0825: constraint failure")),
                Arguments.of(409, TRANSACTION, "not FHIR"),
                Arguments.of(409, GUARDED_PUT, ""),
                // a write without If-Match cannot be in conflict with a version it never named
                Arguments.of(409, CREATE, outcome("conflict", "HAPI-0989: not the current version")),
                Arguments.of(412, CREATE, ""));
    }

    @ParameterizedTest
    @MethodSource("retried")
    void anyOtherConflictIsRetried(int status, FhirCall call, String body) {
        assertThatThrownBy(() -> RESPONSES.check(status, call, body)).isInstanceOf(EmrRetryableException.class);
    }
}
