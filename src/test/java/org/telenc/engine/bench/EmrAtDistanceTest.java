package org.telenc.engine.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telenc.engine.sandbox.fhir.SandboxGeneratedPatients;

/** Phase f's own arithmetic: its options, and the EMR call counters it reads from the Prometheus exposition. */
class EmrAtDistanceTest {

    @Test
    void theEmrCallCountersAreReadByOperationAndOutcome() {
        String exposition = """
                # HELP telenc_emr_call_seconds HTTP calls to EMRs, by adapter operation and outcome
                # TYPE telenc_emr_call_seconds summary
                telenc_emr_call_seconds_count{application="telephone-encounter-engine",operation="find-patient",outcome="ok"} 12
                telenc_emr_call_seconds_sum{application="telephone-encounter-engine",operation="find-patient",outcome="ok"} 1.3
                telenc_emr_call_seconds_count{application="telephone-encounter-engine",operation="create-encounter",outcome="retryable"} 2.0
                telenc_emr_call_seconds_max{application="telephone-encounter-engine",operation="find-patient",outcome="ok"} 0.2
                telenc_emr_call_seconds_count{application="telephone-encounter-engine",operation="find-patient",outcome="ok",} 3.0
                """;
        Map<List<String>, Double> counts = EmrAtDistance.parseEmrCalls(exposition);
        assertThat(counts).containsOnly(
                Map.entry(List.of("find-patient", "ok"), 15.0),
                Map.entry(List.of("create-encounter", "retryable"), 2.0));
    }

    @Test
    void phaseFRunsAloneWithItsDelayAndPopulation() {
        BenchSettings settings = BenchSettings.parse(new String[] {"--phases=f", "--emr-delay=250ms", "--generated-patients=80"});
        assertThat(settings.runs("f")).isTrue();
        assertThat(settings.runs("a") || settings.runs("b") || settings.runs("c")).isFalse();
        assertThat(settings.emrDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.generatedPatients()).isEqualTo(80);

        BenchSettings defaults = BenchSettings.parse(new String[0]);
        assertThat(defaults.phases()).containsExactlyInAnyOrder("a", "b", "c", "f");
        assertThat(defaults.emrDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(defaults.generatedPatients()).isEqualTo(64);
        assertThat(defaults.consumers()).contains(BenchSettings.DEFAULT_CONSUMERS);
        assertThat(BenchSettings.parse(new String[] {"--emr-delay=40"}).emrDelay()).isEqualTo(Duration.ofMillis(40));

        assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--phases=x"})).hasMessageContaining("unknown phase x");
        assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--generated-patients=5"})).hasMessageContaining("at least 20");
    }

    @Test
    void theSampleKindsUseDisjointPatientsAndTheRightPharmacyState() {
        for (int i = 0; i < EmrAtDistance.SAMPLES; i++) {
            assertThat(SandboxGeneratedPatients.pharmacy(EmrAtDistance.Kind.FULL_ON_FILE.patient(i))).as("on file")
                    .isEqualTo(EmrAtDistance.PHARMACY);
            assertThat(SandboxGeneratedPatients.pharmacy(EmrAtDistance.Kind.FULL_NEW_PHARMACY.patient(i))).as("none on file")
                    .isNull();
            assertThat(EmrAtDistance.Kind.BARE.patient(i) % 4).isEqualTo(2);
        }
        assertThat(EmrAtDistance.fullBody(5, "PH-2001")).contains("\"patient_mrn\":\"200005\"", "refill_medication_name",
                "pharmacy_ehr_id", "caller", "message");
        assertThat(EmrAtDistance.bareBody(2)).doesNotContain("refill", "pharmacy", "caller", "message");
    }
}
