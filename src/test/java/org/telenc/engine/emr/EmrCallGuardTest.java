package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telenc.engine.emr.auth.EmrAuthSettings;

/** The per-connection circuit breaker and rate limit, without Camel or HTTP. */
class EmrCallGuardTest {

    static EmrConnection connection(String id, int perMinute) {
        EmrConnection.FhirSettings d = EmrConnection.FhirSettings.defaults();
        EmrConnection.FhirSettings settings = new EmrConnection.FhirSettings(d.mrnSystem(), d.jobIdentifierSystem(),
                d.pharmacyExtensionUrl(), d.pharmacyTypeSystem(), d.pharmacyTypeCode(), d.templateExtensionUrl(), d.npiSystem(),
                d.timezone(), perMinute, "draft", "proposal", "extension", Map.of(), d.pharmacyListCode(), "", "", "");
        return new EmrConnection(id, "fhir-r4", "https://emr.example/fhir", settings, EmrAuthSettings.none(), "active");
    }

    @Test
    void aFailingConnectionIsNotCalledForAWhileAndTheOthersAreUntouched() throws Exception {
        EmrCallGuard guard = new EmrCallGuard(50, 4, Duration.ofMillis(300));
        EmrConnection dead = connection("dead", 0);
        EmrConnection healthy = connection("healthy", 0);
        for (int i = 0; i < 4; i++) {
            guard.beforeCall(dead);
            guard.afterResponse(dead, 503);
            guard.beforeCall(healthy);
            guard.afterResponse(healthy, 200);
        }
        assertThat(guard.state("dead")).isEqualTo("OPEN");
        assertThatThrownBy(() -> guard.beforeCall(dead)).isInstanceOf(EmrThrottledException.class)
                .hasMessageContaining("circuit open");
        guard.beforeCall(healthy); // unaffected
        assertThat(guard.state("healthy")).isEqualTo("CLOSED");

        // after the open period (300 ms) one trial call goes through
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).ignoreException(EmrThrottledException.class)
                .untilAsserted(() -> guard.beforeCall(dead));
        guard.afterResponse(dead, 200);
        assertThat(guard.state("dead")).isEqualTo("CLOSED");
    }

    @Test
    void ioFailuresCountAndClientErrorsDoNot() throws Exception {
        EmrCallGuard guard = new EmrCallGuard(50, 4, Duration.ofSeconds(30));
        EmrConnection emr = connection("emr", 0);
        for (int i = 0; i < 4; i++) {
            guard.beforeCall(emr);
            guard.afterResponse(emr, 404); // the EMR answered: not a failure of the connection
        }
        assertThat(guard.state("emr")).isEqualTo("CLOSED");
        for (int i = 0; i < 4; i++) {
            guard.beforeCall(emr);
            java.io.IOException refused = new java.io.IOException("refused");
            assertThatThrownBy(() -> guard.afterFailure(emr, refused)).isSameAs(refused);
        }
        assertThat(guard.state("emr")).isEqualTo("OPEN");
    }

    @Test
    void theCallsPerMinuteBudgetHoldsBackTheRest() {
        EmrCallGuard guard = new EmrCallGuard(50, 10, Duration.ofSeconds(30));
        EmrConnection limited = connection("limited", 3);
        for (int i = 0; i < 3; i++) {
            guard.beforeCall(limited);
            guard.afterResponse(limited, 200);
        }
        assertThatThrownBy(() -> guard.beforeCall(limited)).isInstanceOf(EmrThrottledException.class)
                .hasMessageContaining("3 per minute");
        guard.beforeCall(connection("unlimited", 0));
    }
}
