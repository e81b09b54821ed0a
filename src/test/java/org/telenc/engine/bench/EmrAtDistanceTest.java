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

    @Test
    void theSandboxRunsAsItsOwnProcessUnlessAskedToStayEmbedded() {
        BenchSettings defaults = BenchSettings.parse(new String[0]);
        assertThat(defaults.sandboxProcess()).isTrue();
        assertThat(defaults.jitSettleMax()).isEqualTo(Duration.ofSeconds(120));
        assertThat(BenchSettings.parse(new String[] {"--sandbox=embedded", "--jit-settle=0"}))
                .satisfies(s -> assertThat(s.sandboxProcess()).isFalse())
                .satisfies(s -> assertThat(s.jitSettleMax()).isZero());
        assertThat(BenchSettings.parse(new String[] {"--full"}).jitSettleMax()).isEqualTo(Duration.ofSeconds(300));
        assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--sandbox=maybe"})).hasMessageContaining("process or embedded");
    }

    @Test
    void theJitCompileTimeIsReadFromThePerfCountersInMilliseconds() {
        String counters = """
                java.ci.totalTime=32237131830
                sun.ci.osrTime=1572909969
                sun.os.hrt.frequency=1000000000
                """;
        assertThat(JitCompileTime.parseMillis(counters)).isEqualTo(32237.13183);
        assertThat(JitCompileTime.parseMillis("sun.ci.totalTime=2000\nsun.os.hrt.frequency=1000\n")).isEqualTo(2000.0);
        assertThat(JitCompileTime.parseMillis("nothing here")).isNaN();
    }

    @Test
    void aRowIsSteadyOnlyWhenEveryProcessCompiledUnderOnePercentOfItsWindow() {
        EndToEndLoad.Result tenSeconds = new EndToEndLoad.Result(1, 10, 5, new long[0], new long[0], new long[0], Map.of(), Map.of(),
                0, Map.of(), Map.of());
        CpuMeter.Usage cpu = new CpuMeter.Usage(1, 0.1, 0, "?", 0.5);
        assertThat(new EmrAtDistance.Load(1, tenSeconds, cpu, 0, 99, 99).steady()).isTrue();
        assertThat(new EmrAtDistance.Load(1, tenSeconds, cpu, 0, 99, Double.NaN).steady()).as("embedded").isTrue();
        assertThat(new EmrAtDistance.Load(1, tenSeconds, cpu, 0, 101, 0).steady()).as("engine compiling").isFalse();
        assertThat(new EmrAtDistance.Load(1, tenSeconds, cpu, 0, 0, 101).steady()).as("sandbox compiling").isFalse();
        assertThat(new EmrAtDistance.Load(1, tenSeconds, cpu, 0, Double.NaN, 0).steady()).as("not read").isFalse();
        assertThat(EmrAtDistance.cpuMsPerEncounter(0.5, tenSeconds)).isEqualTo(1000.0);
        assertThat(EmrAtDistance.cpuMsPerEncounter(Double.NaN, tenSeconds)).isNaN();
    }

    @Test
    void theTraceIsPrintedAsATreeFromThePostSent() {
        long origin = 1_000_000_000_000L;
        var root = span("01", "ff", "http post /v1/telephone-encounters", origin + 1_000_000, origin + 9_000_000);
        var queue = span("02", "01", "queue-wait telephone-encounters.requests", origin + 10_000_000, origin + 12_000_000);
        var steps = span("03", "01", "encounter-emr-steps", origin + 12_000_000, origin + 230_000_000);
        var call = span("04", "03", "emr-fhir-r4-search-patient", origin + 13_000_000, origin + 115_000_000);
        List<EmrAtDistance.SpanLine> lines = EmrAtDistance.spanLines(List.of(call, steps, root, queue), origin);
        assertThat(lines).extracting(EmrAtDistance.SpanLine::name).containsExactly("http post /v1/telephone-encounters",
                "queue-wait telephone-encounters.requests", "encounter-emr-steps", "emr-fhir-r4-search-patient");
        assertThat(lines).extracting(EmrAtDistance.SpanLine::depth).containsExactly(0, 1, 1, 2);
        assertThat(lines.get(3).startMs()).isEqualTo(13.0);
        assertThat(lines.get(3).durationMs()).isEqualTo(102.0);
    }

    private static io.opentelemetry.proto.trace.v1.Span span(String id, String parent, String name, long start, long end) {
        java.util.HexFormat hex = java.util.HexFormat.of();
        return io.opentelemetry.proto.trace.v1.Span.newBuilder().setSpanId(com.google.protobuf.ByteString.copyFrom(hex.parseHex(
                "00000000000000" + id))).setParentSpanId(com.google.protobuf.ByteString.copyFrom(hex.parseHex("00000000000000" + parent)))
                .setName(name).setStartTimeUnixNano(start).setEndTimeUnixNano(end).build();
    }
}
