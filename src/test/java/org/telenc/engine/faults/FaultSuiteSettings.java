package org.telenc.engine.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a fault-suite run is asked to do, from system properties (failsafe passes them, see pom.xml;
 * any can be overridden with {@code -D} on the Maven command line):
 * <ul>
 *   <li>{@code engine.jar}: the packaged engine (default {@code target/telephone-encounter-engine-0.1.0-SNAPSHOT.jar})</li>
 *   <li>{@code faults.requests}: requests per scenario (12; the {@code fault-suite} profile: 200)</li>
 *   <li>{@code faults.outage-seconds}: how long a receiver or EMR outage lasts (5; profile: 30)</li>
 *   <li>{@code faults.scenarios}: which scenarios, comma-separated, repeats allowed
 *       ({@code kill,sigterm,webhook-down,emr-503,restart,broker-failover,before-emr-throws,adapter-throws};
 *       e.g. {@code broker-failover} 30 times over to repeat one)</li>
 *   <li>{@code faults.deadline-seconds}: how long to wait for the outcomes once the fault is over
 *       (default 30 + requests / 4)</li>
 *   <li>{@code faults.pace-ms}: gap between request starts (20), so a crash lands mid-flight</li>
 *   <li>{@code faults.threads}: concurrent senders (8)</li>
 *   <li>{@code faults.work-dir}: where each scenario's data directory and engine log go
 *       ({@code target/fault-suite})</li>
 *   <li>{@code faults.keep-data}: keep every scenario's broker and database files, not only a
 *       failed one's (false)</li>
 *   <li>{@code faults.engine-ready-seconds}: how long an engine may take to become ready (120)</li>
 *   <li>{@code faults.scenario-limit-minutes}: how long one scenario may take in all before it is
 *       ended and counted failed (15). The suite as a whole has no limit of its own, so a loop of any
 *       length runs; the test JVM's fork timeout ({@code faults.fork-timeout-seconds} in the pom,
 *       1500) bounds the whole run</li>
 *   <li>{@code faults.engine-args}: extra engine arguments, space-separated, appended last (none);
 *       for experiments, e.g. a different {@code --spring.datasource.url}</li>
 * </ul>
 */
record FaultSuiteSettings(Path engineJar, int requests, Duration outage, List<String> scenarios, Duration deadline,
        Duration pace, int threads, Path workDir, Duration engineReadyTimeout, List<String> extraEngineArgs, boolean keepData,
        Duration scenarioLimit) {

    static final List<String> ALL_SCENARIOS = List.of("kill", "sigterm", "webhook-down", "emr-503", "restart",
            "broker-failover", "before-emr-throws", "adapter-throws",
            "reload");

    static FaultSuiteSettings fromSystemProperties() {
        Path jar = Path.of(property("engine.jar", "target/telephone-encounter-engine-0.1.0-SNAPSHOT.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("engine jar " + jar + " not found: run `mvn -o -q -DskipTests package` first");
        }
        int requests = Integer.parseInt(property("faults.requests", "12"));
        List<String> scenarios = Arrays.stream(property("faults.scenarios", String.join(",", ALL_SCENARIOS)).split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
        scenarios.stream().filter(s -> !ALL_SCENARIOS.contains(s)).findFirst().ifPresent(s -> {
            throw new IllegalArgumentException("unknown scenario " + s + "; known: " + ALL_SCENARIOS);
        });
        return new FaultSuiteSettings(
                jar,
                requests,
                Duration.ofSeconds(Long.parseLong(property("faults.outage-seconds", "5"))),
                scenarios,
                Duration.ofSeconds(Long.parseLong(property("faults.deadline-seconds", String.valueOf(30 + requests / 4)))),
                Duration.ofMillis(Long.parseLong(property("faults.pace-ms", "20"))),
                Integer.parseInt(property("faults.threads", "8")),
                Path.of(property("faults.work-dir", "target/fault-suite")).toAbsolutePath(),
                Duration.ofSeconds(Long.parseLong(property("faults.engine-ready-seconds", "120"))),
                Arrays.stream(property("faults.engine-args", "").split("\\s+")).filter(a -> !a.isBlank()).toList(),
                Boolean.parseBoolean(property("faults.keep-data", "false")),
                Duration.ofMinutes(Long.parseLong(property("faults.scenario-limit-minutes", "15"))));
    }

    /** A property, with blank (an unset Maven property passed through) meaning "use the default". */
    private static String property(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() || value.startsWith("${") ? fallback : value.trim();
    }
}
