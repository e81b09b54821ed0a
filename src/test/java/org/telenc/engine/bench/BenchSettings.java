package org.telenc.engine.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 *   <li>{@code --consumers=1,2,4,8}: {@code engine.process.concurrency} values for (d); the default 4,
 *       if listed, is also run with 1 encounter in flight (unloaded latency)</li>
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
        boolean keepData, Duration readyTimeout, boolean jfr) {

    /** engine.process.concurrency's default (application.yml): the configuration (c) is reported for. */
    static final int DEFAULT_CONSUMERS = 4;

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
                ints(take(options, "consumers", "1,2,4,8")),
                Arrays.stream(take(options, "engine-jvm-opts", DEFAULT_ENGINE_JVM_OPTIONS).split("\\s+"))
                        .filter(s -> !s.isBlank() && !s.equals("none")).toList(),
                Boolean.parseBoolean(take(options, "keep-data", "false")),
                seconds(take(options, "ready-timeout", "180")),
                Boolean.parseBoolean(take(options, "jfr", "false")));
        if (!options.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + options.keySet());
        }
        return settings;
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
