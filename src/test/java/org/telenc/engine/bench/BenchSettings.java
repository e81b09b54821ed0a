package org.telenc.engine.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.convert.DurationStyle;

/**
 * What a benchmark run is asked to do, from {@code --key=value} arguments (scripts/benchmark.sh passes
 * its own arguments on):
 * <ul>
 *   <li>{@code --quick} (default) or {@code --full}: the measurement windows (quick: 5 s warm-up + 10 s
 *       per intake, ceiling and trivial row, 5 s + 15 s per end-to-end row; full: 10 s + 60 s everywhere)</li>
 *   <li>{@code --warmup=S --measure=S}: the intake, ceiling and trivial windows in seconds</li>
 *   <li>{@code --e2e-warmup=S --e2e-measure=S}: the end-to-end windows</li>
 *   <li>{@code --concurrency=1,16,64}: intake, trivial endpoint and JMS sender concurrencies</li>
 *   <li>{@code --e2e-in-flight=16}: encounters in flight in the end-to-end runs</li>
 *   <li>{@code --consumers=1,4,8,32}: {@code engine.process.concurrency} values for (d); the default 32,
 *       if listed, is also run with 1 encounter in flight (unloaded latency)</li>
 *   <li>{@code --phases=a,b,c,f}: which phases run (default all): a = intake and the trivial endpoint
 *       (a, b2, b3), b = the persistent-send ceiling (b1), c = end to end per consumer count (c, d),
 *       f = the EMR at a distance; e (memory, start-up) reports the engines that ran</li>
 *   <li>{@code --emr-delay=100ms}: phase f's sandbox delay per EMR call ({@code engine.sandbox.fhir.delay}:
 *       a duration as 100ms or 1s, or a plain number of ms)</li>
 *   <li>{@code --generated-patients=64}: phase f's generated population ({@code engine.sandbox.fhir.generated-patients},
 *       at least 20), over which its requests are spread</li>
 *   <li>{@code --sandbox=process} (default) or {@code embedded}: phase f's sandbox EMR as a process of its
 *       own from the same jar ({@code SandboxEmrApplication}; its CPU measured apart from the engine's), or
 *       the one inside the engine (one process, one CPU figure for both)</li>
 *   <li>{@code --jit-settle=S} (quick 120, full 300): phase f's bound on warming up until the JIT compilers
 *       of the engine (and sandbox) have settled before the loads; 0: no such warm-up</li>
 *   <li>{@code --engine-jvm-opts="-Xmx512m ..."}: JVM options for the engine (default {@code -Xmx512m}, the shipped heap)</li>
 *   <li>{@code --jar=PATH} (default {@code target/telephone-encounter-engine-0.1.0-SNAPSHOT.jar}),
 *       {@code --out=DIR} (default {@code target/benchmark}), {@code --keep-data} (keep broker and
 *       database files; engine logs are always kept)</li>
 *   <li>{@code --jfr}: each engine records a JFR profile ({@code settings=profile}) to {@code engine.jfr}
 *       next to its log, for finding where the time goes (it costs a few per cent)</li>
 * </ul>
 */
record BenchSettings(String mode, Path jar, Path outDir, List<Integer> concurrencies, Duration warmup, Duration measure,
        Duration e2eWarmup, Duration e2eMeasure, int e2eInFlight, List<Integer> consumers, List<String> engineJvmOptions,
        boolean keepData, Duration readyTimeout, boolean jfr, Set<String> phases, Duration emrDelay, int generatedPatients, boolean sandboxProcess,
        Duration jitSettleMax) {

    /** engine.process.concurrency's default (application.yml): the configuration (c) and (f) are reported for. */
    static final int DEFAULT_CONSUMERS = 32;

    static final Set<String> PHASES = Set.of("a", "b", "c", "f");

    /** The fewest generated patients phase f runs with: its call counts take 3 disjoint sets of 5 patients. */
    static final int MINIMUM_GENERATED_PATIENTS = 20;

    boolean runs(String phase) {
        return phases.contains(phase);
    }

    /**
     * The heap the engine ships with: 512 MiB, as the image and the pods give it (50 % of 1 Gi) and
     * as `mvn spring-boot:run` starts it. {@code --engine-jvm-opts=none} runs it with the JVM's own
     * default (1/4 of the machine's RAM).
     */
    static final String DEFAULT_ENGINE_JVM_OPTIONS = "-Xmx512m";

    static BenchSettings parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + arg);
            }
            int eq = arg.indexOf('=');
            options.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        boolean full = options.containsKey("full");
        options.remove("full");
        options.remove("quick");
        String mode = full ? "full" : "quick";
        BenchSettings settings = new BenchSettings(mode,
                Path.of(take(options, "jar", "target/telephone-encounter-engine-0.1.0-SNAPSHOT.jar")).toAbsolutePath(),
                Path.of(take(options, "out", "target/benchmark")).toAbsolutePath(),
                ints(take(options, "concurrency", "1,16,64")),
                seconds(take(options, "warmup", full ? "10" : "5")),
                seconds(take(options, "measure", full ? "60" : "10")),
                seconds(take(options, "e2e-warmup", full ? "10" : "5")),
                seconds(take(options, "e2e-measure", full ? "60" : "15")),
                Integer.parseInt(take(options, "e2e-in-flight", "16")),
                ints(take(options, "consumers", "1,4,8," + DEFAULT_CONSUMERS)),
                Arrays.stream(take(options, "engine-jvm-opts", DEFAULT_ENGINE_JVM_OPTIONS).split("\\s+"))
                        .filter(s -> !s.isBlank() && !s.equals("none")).toList(),
                Boolean.parseBoolean(take(options, "keep-data", "false")),
                seconds(take(options, "ready-timeout", "180")),
                Boolean.parseBoolean(take(options, "jfr", "false")),
                phases(take(options, "phases", "a,b,c,f")),
                duration(take(options, "emr-delay", "100ms")),
                Integer.parseInt(take(options, "generated-patients", "64")),
                sandbox(take(options, "sandbox", "process")),
                seconds(take(options, "jit-settle", full ? "300" : "120")));
        if (!options.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + options.keySet());
        }
        if (settings.generatedPatients() < MINIMUM_GENERATED_PATIENTS) {
            throw new IllegalArgumentException("--generated-patients must be at least " + MINIMUM_GENERATED_PATIENTS);
        }
        return settings;
    }

    private static Set<String> phases(String csv) {
        Set<String> phases = new TreeSet<>();
        for (String s : csv.split(",")) {
            String phase = s.trim().toLowerCase(Locale.ROOT);
            if (!PHASES.contains(phase)) {
                throw new IllegalArgumentException("unknown phase " + phase + " (phases: " + new TreeSet<>(PHASES) + ")");
            }
            phases.add(phase);
        }
        return Set.copyOf(phases);
    }

    /** process (phase f's sandbox EMR in a process of its own) or embedded (inside the engine's). */
    private static boolean sandbox(String value) {
        return switch (value) {
            case "process" -> true;
            case "embedded" -> false;
            default -> throw new IllegalArgumentException("--sandbox is process or embedded, not " + value);
        };
    }

    /** 100ms, 1s, 2m (Spring's simple style) or a plain number of milliseconds. */
    static Duration duration(String s) {
        return s.matches("\\d+") ? Duration.ofMillis(Long.parseLong(s)) : DurationStyle.SIMPLE.parse(s);
    }

    private static String take(Map<String, String> options, String key, String fallback) {
        String value = options.remove(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static List<Integer> ints(String csv) {
        List<Integer> values = new ArrayList<>();
        for (String s : csv.split(",")) {
            values.add(Integer.parseInt(s.trim()));
        }
        return List.copyOf(values);
    }

    private static Duration seconds(String s) {
        return Duration.ofSeconds(Long.parseLong(s));
    }
}
