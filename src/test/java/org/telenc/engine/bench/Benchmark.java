package org.telenc.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The benchmark of docs/benchmark.md (measurement only), started by {@code scripts/benchmark.sh}. This JVM is
 * the load driver; the engine under test is the packaged jar in its own process, started afresh for
 * each phase on a fresh data directory; the JMS ceiling runs in a third process. Phases:
 * <ol>
 *   <li>intake and the trivial endpoint, one engine with the processing route stopped, interleaved per
 *       concurrency so each ratio's two numbers are measured a few seconds apart;</li>
 *   <li>the persistent-send ceiling ({@link JmsSendCeiling}, its own process);</li>
 *   <li>end to end, one engine per consumer concurrency (stock configuration otherwise), a webhook
 *       receiver registered through {@code POST /v1/webhook} in this process;</li>
 *   <li>the EMR at a distance ({@link EmrAtDistance}): a delayed sandbox EMR and a generated
 *       population, the fast and the sequential EMR path side by side.</li>
 * </ol>
 * {@code --phases} picks which of them run.
 * Prints the report and writes it to {@code <out>/report.txt}.
 */
public final class Benchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROCESS_ROUTE = "process-telephone-encounter";
    private static final String TRIVIAL_PATH = "/actuator/info";
    private static final double[] BUCKETS_MS = {50, 100, 150, 250, 500, 1000, 2000};
    private static final ClosedLoop.Window NO_WINDOW = new ClosedLoop.Window() {
        @Override
        public void started() {
        }

        @Override
        public void ended() {
        }
    };

    private final BenchSettings settings;
    private final Instant began = Instant.now();
    private final long beganNanos = System.nanoTime();
    private final List<String> notes = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    // phase results
    private final Map<Integer, Row> intake = new LinkedHashMap<>();
    private final Map<Integer, Row> trivial = new LinkedHashMap<>();
    private final Map<String, Map<Integer, Map<String, String>>> ceiling = new HashMap<>();
    private String ceilingMessageBytes = "?";
    private final Map<Integer, E2eRow> e2e = new LinkedHashMap<>();
    private E2eRow unloaded;
    private final Map<String, EngineRun> engines = new LinkedHashMap<>();
    private final List<EmrAtDistance.PathResult> distance = new ArrayList<>();
    private String engineDefaultHeap = "?";

    record Row(ClosedLoop.Result result, CpuMeter.Usage cpu) {
    }

    record E2eRow(int consumers, EndToEndLoad.Result result, CpuMeter.Usage cpu, long duplicates,
            EngineLogStages.Stages stages) {
    }

    record EngineRun(String phase, BenchEngine.StartTimes start, long peakRssKb) {
    }

    private Benchmark(BenchSettings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        BenchSettings settings = BenchSettings.parse(args);
        if (!Files.isRegularFile(settings.jar())) {
            System.err.println("engine jar " + settings.jar() + " not found: build it with `mvn -o -q -DskipTests package`");
            System.exit(2);
        }
        Files.createDirectories(settings.outDir());
        Benchmark benchmark = new Benchmark(settings);
        benchmark.run();
        String report = benchmark.report();
        System.out.print(report);
        Path file = settings.outDir().resolve("report.txt");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        System.out.println("(written to " + file + ")");
        System.exit(benchmark.failures.isEmpty() ? 0 : 1);
    }

    private void run() throws Exception {
        progress("benchmark, " + settings.mode() + " mode; out " + settings.outDir());
        engineDefaultHeap = engineMaxHeap();
        if (settings.runs("a")) {
            phase("intake + trivial endpoint", this::intakePhase);
        }
        if (settings.runs("b")) {
            phase("persistent-send ceiling", this::ceilingPhase);
        }
        if (settings.runs("c")) {
            for (int consumers : settings.consumers()) {
                phase("end to end, consumers " + consumers, () -> endToEndPhase(consumers));
            }
        }
        if (settings.runs("f")) {
            EmrAtDistance f = new EmrAtDistance(settings, this::progress);
            for (EmrAtDistance.EmrPath path : EmrAtDistance.PATHS) {
                phase("EMR at distance, " + path.name() + " path", () -> {
                    EmrAtDistance.PathResult result = f.run(path);
                    distance.add(result);
                    engines.put("f EMR at distance, " + path.name() + " path",
                            new EngineRun("f", result.start(), result.peakRssKb()));
                });
            }
        }
    }

    private interface Phase {
        void run() throws Exception;
    }

    private void phase(String name, Phase phase) {
        try {
            phase.run();
        } catch (Exception e) {
            failures.add(name + ": " + e);
            progress("FAILED " + name + ": " + e);
        }
    }

    // ---------------------------------------------------------------- phase 1: intake and trivial

    private void intakePhase() throws Exception {
        Path dir = settings.outDir().resolve("intake");
        try (BenchEngine engine = new BenchEngine(settings.jar(), dir, settings.engineJvmOptions(), settings.jfr(),
                List.of("--camel.main.auto-startup-exclude-pattern=" + PROCESS_ROUTE))) {
            progress("intake: starting engine (processing route stopped)");
            BenchEngine.StartTimes start = engine.start(settings.readyTimeout(), false);
            progress(String.format(Locale.ROOT, "intake: ready in %.1f s (pid %d)", start.ready(), engine.pid()));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            URI post = engine.uri("/v1/telephone-encounters");
            URI info = engine.uri(TRIVIAL_PATH);
            BenchRequests bodies = new BenchRequests();
            String check = intakeOnce(http, post, bodies.next());
            if (check != null) {
                throw new IllegalStateException("a valid POST was not accepted: " + check + "; log: " + engine.log());
            }
            // JIT warm-up of both paths at 16 in flight, thrown away (each row then has its own warm-up too)
            progress("intake: engine warm-up, " + 2 * settings.warmup().toSeconds() + " s, not reported");
            ClosedLoop.run(16, settings.warmup(), settings.warmup(), worker -> () -> intakeOnce(http, post, bodies.next()), NO_WINDOW);
            ClosedLoop.run(16, Duration.ZERO, settings.warmup(), worker -> () -> getOnce(http, info), NO_WINDOW);
            for (int c : settings.concurrencies()) {
                CpuMeter cpu = new CpuMeter(engine.pid());
                ClosedLoop.Result r = ClosedLoop.run(c, settings.warmup(), settings.measure(),
                        worker -> () -> intakeOnce(http, post, bodies.next()), cpu);
                intake.put(c, new Row(r, cpu.usage()));
                progress(String.format(Locale.ROOT, "intake c%d: %.0f accepted/s, p99 %s ms, errors %d", c, r.rate(),
                        LatencyStats.fmt(r.latency().p99Ms()), r.errorCount()));
                CpuMeter cpu2 = new CpuMeter(engine.pid());
                ClosedLoop.Result t = ClosedLoop.run(c, settings.warmup(), settings.measure(),
                        worker -> () -> getOnce(http, info), cpu2);
                trivial.put(c, new Row(t, cpu2.usage()));
                progress(String.format(Locale.ROOT, "trivial c%d: %.0f req/s, p99 %s ms", c, t.rate(),
                        LatencyStats.fmt(t.latency().p99Ms())));
            }
            engine.stop();
            engines.put("a/b intake + trivial (processing stopped)", new EngineRun("intake", start, engine.peakRssKb()));
            cleanUp(engine);
        }
    }

    private static String intakeOnce(HttpClient http, URI post, String body) throws Exception {
        HttpResponse<String> response = http.send(BenchEngine.authenticated(post).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode() + " " + JSON.readTree(response.body()).path("error").asText("");
        }
        return null;
    }

    private static String getOnce(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? null : "HTTP " + response.statusCode();
    }

    // ---------------------------------------------------------------- phase 2: JMS ceiling

    private void ceilingPhase() throws Exception {
        Path dir = settings.outDir().resolve("ceiling");
        BenchEngine.deleteRecursively(dir);
        Files.createDirectories(dir);
        long rawWarmup = Math.max(2, settings.warmup().toSeconds() / 2);
        long rawMeasure = Math.max(5, settings.measure().toSeconds() / 2);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(settings.engineJvmOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JmsSendCeiling.class.getName(),
                dir.resolve("store").toString(),
                settings.concurrencies().stream().map(String::valueOf).collect(Collectors.joining(",")),
                String.valueOf(settings.warmup().toSeconds()), String.valueOf(settings.measure().toSeconds()),
                String.valueOf(rawWarmup), String.valueOf(rawMeasure)));
        progress("ceiling: persistent sends in a separate process");
        Path log = dir.resolve("ceiling.log");
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                Map<String, String> kv = new HashMap<>();
                for (String part : line.split(" ")) {
                    int eq = part.indexOf('=');
                    if (eq > 0) {
                        kv.put(part.substring(0, eq), part.substring(eq + 1));
                    }
                }
                if (line.startsWith("MESSAGE")) {
                    ceilingMessageBytes = kv.get("bytes");
                } else if (line.startsWith("CEILING")) {
                    ceiling.computeIfAbsent(kv.get("path"), k -> new LinkedHashMap<>())
                            .put(Integer.parseInt(kv.get("threads")), kv);
                    progress("ceiling " + kv.get("path") + " t" + kv.get("threads") + ": " + kv.get("rate") + " sends/s");
                }
            }
        }
        int status = p.waitFor();
        if (status != 0) {
            throw new IllegalStateException("ceiling process exited with " + status + "; log: " + log);
        }
    }

    // ---------------------------------------------------------------- phase 3: end to end

    private void endToEndPhase(int consumers) throws Exception {
        Path dir = settings.outDir().resolve("e2e-consumers-" + consumers);
        try (BenchEngine engine = new BenchEngine(settings.jar(), dir, settings.engineJvmOptions(), settings.jfr(),
                List.of("--engine.process.concurrency=" + consumers));
                WebhookReceiver receiver = new WebhookReceiver()) {
            progress("e2e: starting engine, engine.process.concurrency=" + consumers);
            BenchEngine.StartTimes start = engine.start(settings.readyTimeout(), true);
            progress(String.format(Locale.ROOT, "e2e: health UP in %.1f s, ready in %.1f s", start.healthUp(), start.ready()));
            registerOnlyWebhook(engine, receiver.url());
            URI post = engine.uri("/v1/telephone-encounters");
            CpuMeter cpu = new CpuMeter(engine.pid());
            EndToEndLoad.Result r = EndToEndLoad.run(post, receiver, settings.e2eInFlight(), settings.e2eWarmup(),
                    settings.e2eMeasure(), cpu);
            long duplicates = receiver.duplicates();
            progress(String.format(Locale.ROOT, "e2e consumers %d, %d in flight: %.1f enc/s, p50 %s ms, lost %d",
                    consumers, settings.e2eInFlight(), r.rate(),
                    LatencyStats.fmt(LatencyStats.ofNanos(r.endToEndNanos()).p50Ms()), r.lost()));
            EndToEndLoad.Result r1 = null;
            CpuMeter cpu1 = new CpuMeter(engine.pid());
            if (consumers == BenchSettings.DEFAULT_CONSUMERS) {
                // unloaded latency, on the engine the loaded run has just warmed up
                r1 = EndToEndLoad.run(post, receiver, 1, settings.e2eWarmup(), settings.e2eMeasure(), cpu1);
                progress(String.format(Locale.ROOT, "e2e consumers %d, 1 in flight: %.1f enc/s, p50 %s ms", consumers,
                        r1.rate(), LatencyStats.fmt(LatencyStats.ofNanos(r1.endToEndNanos()).p50Ms())));
            }
            engine.stop();
            e2e.put(consumers, new E2eRow(consumers, r, cpu.usage(), duplicates,
                    EngineLogStages.analyze(engine.log(), r.answeredAtMillis())));
            if (r1 != null) {
                unloaded = new E2eRow(consumers, r1, cpu1.usage(), receiver.duplicates() - duplicates,
                        EngineLogStages.analyze(engine.log(), r1.answeredAtMillis()));
            }
            engines.put("c/d end to end, consumers " + consumers, new EngineRun("e2e", start, engine.peakRssKb()));
            cleanUp(engine);
        }
    }

    /**
     * Registers the receiver as the demo client's webhook URL, as a client does ({@code POST /v1/webhook};
     * http is allowed in sandbox mode), and removes the other URL the demo client starts with (the
     * built-in inbox), so each event is delivered once, to the receiver.
     */
    static void registerOnlyWebhook(BenchEngine engine, String url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(BenchEngine.authenticated(engine.uri("/v1/webhook"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("webhook_url", url)
                        .put("signature_scheme", "cobalt").toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 200) {
            throw new IllegalStateException("webhook registration answered " + created.statusCode() + ": " + created.body());
        }
        JsonNode list = JSON.readTree(http.send(BenchEngine.authenticated(engine.uri("/v1/webhook")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode hook : list.path("webhook_urls")) {
            if (!url.equals(hook.path("url").asText())) {
                HttpResponse<String> deleted = http.send(BenchEngine.authenticated(
                        engine.uri("/v1/webhook/" + hook.path("id").asText())).DELETE().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (deleted.statusCode() != 200) {
                    throw new IllegalStateException("could not remove webhook " + hook + ": " + deleted.body());
                }
            }
        }
    }

    private void cleanUp(BenchEngine engine) throws IOException {
        if (!settings.keepData()) {
            engine.deleteDataKeepLog();
        }
    }

    /** The max heap the engine's JVM gets with the engine's JVM options (JVM default: 1/4 of RAM). */
    private String engineMaxHeap() {
        try {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(settings.engineJvmOptions());
            command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            for (String line : out.split("\n")) {
                if (line.contains(" MaxHeapSize ")) {
                    long bytes = Long.parseLong(line.trim().split("\\s+")[3]);
                    return (bytes >> 20) + " MiB";
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // reported as "?"
        }
        return "?";
    }

    private void progress(String message) {
        System.err.printf(Locale.ROOT, "[bench %6.1fs] %s%n", (System.nanoTime() - beganNanos) / 1e9, message);
    }

    // ---------------------------------------------------------------- the report

    private String report() {
        StringBuilder out = new StringBuilder();
        double total = (System.nanoTime() - beganNanos) / 1e9;
        String line = "=".repeat(100);
        out.append(line).append('\n');
        out.append("TELEPHONE-ENCOUNTER ENGINE BENCHMARK   ")
                .append(began.truncatedTo(ChronoUnit.SECONDS)).append("   mode ").append(settings.mode())
                .append(String.format(Locale.ROOT, "   run time %d min %02d s%n", (long) total / 60, (long) total % 60));
        out.append(line).append('\n');
        out.append(String.format(Locale.ROOT, "machine : %d CPUs (%s), %d MiB RAM, Java %s; load average at end %s%n",
                ProcStats.cpus(), ProcStats.cpuModel(), ProcStats.memTotalMb(), System.getProperty("java.version"),
                ProcStats.loadAverage()));
        out.append("engine  : java ").append(settings.engineJvmOptions().isEmpty() ? "" : String.join(" ",
                settings.engineJvmOptions()) + " ").append("-jar ").append(settings.jar().getFileName()).append(" (max heap ").append(engineDefaultHeap)
                .append("), embedded defaults: ActiveMQ 6 KahaDB, H2 file DB, sandbox EMR;\n")
                .append(settings.jfr() ? "          JFR on (--jfr): engine.jfr next to each engine.log; numbers a few per cent lower\n" : "")
                .append("          a fresh process and data directory per phase; logs under ").append(settings.outDir()).append('\n');
        out.append(String.format(Locale.ROOT,
                "load    : a separate JVM (the driver), java.net.http over HTTP/1.1 keep-alive, closed loop (concurrency ="
                        + " requests in flight);%n          windows: %d s warm-up + %d s measured per row (end to end %d s + %d s)%n",
                settings.warmup().toSeconds(), settings.measure().toSeconds(), settings.e2eWarmup().toSeconds(),
                settings.e2eMeasure().toSeconds()));
        out.append("CPU     : cores busy during the measured window (1.00 = one core): engine | driver | other = every other\n"
                + "          process on the machine (concurrent builds: the noise to read next to each number; 2 cores in all)\n");
        out.append("latency : ms, exact percentiles of every request completed in the window; '1-s min..max' = the slowest\n"
                + "          and fastest whole second of the window (how steady the rate was)\n");
        out.append("phases  : " + String.join(",", new java.util.TreeSet<>(settings.phases())) + " (--phases)\n\n");

        if (settings.runs("a")) {
            appendIntake(out);
        }
        if (settings.runs("a") || settings.runs("b")) {
            appendCeilings(out);
        }
        if (settings.runs("c")) {
            appendEndToEnd(out);
            appendConsumers(out);
        }
        appendMemoryAndStart(out);
        if (settings.runs("f")) {
            appendDistance(out);
        }
        appendTargets(out);
        if (!failures.isEmpty() || !notes.isEmpty()) {
            out.append("\nNOTES\n");
            failures.forEach(f -> out.append("  FAILED: ").append(f).append('\n'));
            notes.forEach(n -> out.append("  ").append(n).append('\n'));
        }
        out.append(line).append('\n');
        return out.toString();
    }

    private void appendIntake(StringBuilder out) {
        out.append("a. INTAKE: POST /v1/telephone-encounters answered 200 (authenticated, validated, reference-checked,\n"
                + "   stored in H2, job message sent persistent to the broker). Valid demo requests, no Idempotency-Key.\n"
                + "   Processing is stopped in this engine (--camel.main.auto-startup-exclude-pattern=" + PROCESS_ROUTE + "):\n"
                + "   jobs pile up in the queue and nothing competes with intake. Intake while jobs ARE processed: the\n"
                + "   'POST p50/p99' columns of c and d.\n");
        TextTable t = new TextTable("conc", "accepted/s", "1-s min..max", "p50", "p90", "p99", "max", "errors",
                "engine CPU", "CPU ms/req", "driver CPU", "other CPU");
        intake.forEach((c, row) -> t.row(httpRow(c, row)));
        out.append(t.render("   ")).append('\n');
    }

    private Object[] httpRow(int c, Row row) {
        ClosedLoop.Result r = row.result();
        LatencyStats l = r.latency();
        long[] mm = r.perSecondMinMax();
        return new Object[] {c, f0(r.rate()), mm[0] + ".." + mm[1], LatencyStats.fmt(l.p50Ms()), LatencyStats.fmt(l.p90Ms()),
                LatencyStats.fmt(l.p99Ms()), LatencyStats.fmt(l.maxMs()), errors(r.errors()), f2(row.cpu().subject()),
                r.ok() == 0 ? "-" : f2(row.cpu().subject() * r.seconds() * 1000 / r.ok()), f2(row.cpu().driver()),
                f2(row.cpu().other())};
    }

    private void appendCeilings(StringBuilder out) {
        out.append("b. CEILINGS, same run, same machine and disk\n");
        out.append("   b1. persistent JMS sends/s: a separate process builds the broker and client with the engine's own\n"
                + "       BrokerConfiguration (embedded ActiveMQ 6, KahaDB in a fresh directory, pooled vm:// factory) and\n"
                + "       sends the intake's queue message (" + ceilingMessageBytes + " bytes of JSON + JMSXGroupID), nothing consuming;\n"
                + "       a fresh store for every row (an empty queue, as at the start of the intake phase).\n"
                + "       camel = the intake route's own step (activemq:queue:telephone-encounters.requests?deliveryPersistent=true,\n"
                + "       a pooled session per send); raw = one JMS session+producer kept per thread (store limit; shorter window).\n");
        TextTable t = new TextTable("threads", "camel sends/s", "1-s min..max", "p50", "p99", "CPU", "CPU ms/send", "other CPU",
                "raw sends/s", "1-s min..max", "p50", "p99", "CPU", "CPU ms/send", "other CPU");
        Map<Integer, Map<String, String>> camel = ceiling.getOrDefault("camel", Map.of());
        Map<Integer, Map<String, String>> raw = ceiling.getOrDefault("raw", Map.of());
        for (int c : settings.concurrencies()) {
            Map<String, String> k = camel.getOrDefault(c, Map.of());
            Map<String, String> w = raw.getOrDefault(c, Map.of());
            t.row(c, num0(k.get("rate")), k.isEmpty() ? "-" : k.get("min") + ".." + k.get("max"), ms(k.get("p50")),
                    ms(k.get("p99")), k.getOrDefault("cpu", "-"), f2(1000 * parse(k.get("cpu")) / parse(k.get("rate"))),
                    k.getOrDefault("other", "-"), num0(w.get("rate")), w.isEmpty() ? "-" : w.get("min") + ".." + w.get("max"),
                    ms(w.get("p50")), ms(w.get("p99")), w.getOrDefault("cpu", "-"),
                    f2(1000 * parse(w.get("cpu")) / parse(w.get("rate"))), w.getOrDefault("other", "-"));
        }
        out.append(t.render("       ")).append('\n');
        out.append("   b2. trivial endpoint: GET " + TRIVIAL_PATH + " on the intake engine (same Tomcat + Spring MVC dispatch,\n"
                + "       same driver), measured right after each intake row. Chosen because it does nothing: no auth, DB,\n"
                + "       broker or Camel route (its only contributor is Camel's static name/version/uptime); /actuator/health\n"
                + "       would query H2 and the broker, /v1/providers authenticates and reads H2. On 2 cores the driver needs\n"
                + "       about as much CPU as the engine for this one, so it is the machine's ceiling (driver + stack).\n");
        TextTable t2 = new TextTable("conc", "req/s", "1-s min..max", "p50", "p90", "p99", "max", "errors", "engine CPU",
                "CPU ms/req", "driver CPU", "other CPU");
        trivial.forEach((c, row) -> t2.row(httpRow(c, row)));
        out.append(t2.render("       ")).append('\n');
        out.append("   b3. ratios (intake / ceiling: how close intake gets to what the broker store alone and the HTTP stack\n"
                + "       alone can do; the gap is intake's own work: auth, JSON, validation, H2 transaction, send)\n");
        TextTable t3 = new TextTable("conc", "intake/s", "sends/s (camel)", "intake / sends", "sends/s (raw)",
                "intake / raw", "trivial/s", "intake / trivial");
        for (int c : settings.concurrencies()) {
            Row in = intake.get(c);
            Row tr = trivial.get(c);
            double i = in == null ? Double.NaN : in.result().rate();
            double k = parse(camel.getOrDefault(c, Map.of()).get("rate"));
            double w = parse(raw.getOrDefault(c, Map.of()).get("rate"));
            double x = tr == null ? Double.NaN : tr.result().rate();
            t3.row(c, f0(i), f0(k), pct(i / k), f0(w), pct(i / w), f0(x), pct(i / x));
        }
        out.append(t3.render("       ")).append('\n');
    }

    private void appendEndToEnd(StringBuilder out) {
        out.append("c. END TO END: POST sent -> signed webhook received (by a receiver in the driver's process, registered\n"
                + "   with POST /v1/webhook; the demo inbox URL removed), embedded sandbox FHIR EMR, engine defaults\n"
                + "   (engine.process.concurrency=" + BenchSettings.DEFAULT_CONSUMERS + "). Closed loop: each virtual client"
                + " waits for its webhook before its next\n   POST, so 'in flight' encounters are between POST and webhook at"
                + " any time; 3 of 6 requests carry a refill,\n   2 a pharmacy. 'CPU ms/enc' includes the sandbox EMR, which runs inside the engine process.\n");
        TextTable t = new TextTable("in flight", "encounters/s", "1-s min..max", "p50", "p75", "p90", "p95", "p99", "max",
                "POST p50", "POST p99", "engine CPU", "CPU ms/enc", "other CPU", "outcomes", "errors", "lost");
        E2eRow main = e2e.get(BenchSettings.DEFAULT_CONSUMERS);
        if (unloaded != null) {
            t.row(e2eRow(unloaded, unloaded.result().inFlight()));
        }
        if (main != null) {
            t.row(e2eRow(main, main.result().inFlight()));
        }
        out.append(t.render("   "));
        for (E2eRow row : new E2eRow[] {unloaded, main}) {
            if (row == null) {
                continue;
            }
            long[] h = LatencyStats.histogram(row.result().endToEndNanos(), BUCKETS_MS);
            long n = row.result().completed();
            StringBuilder d = new StringBuilder("   distribution, " + row.result().inFlight() + " in flight: ");
            for (int i = 0; i < h.length; i++) {
                String label = i == 0 ? "<" + (int) BUCKETS_MS[0] : i == h.length - 1 ? ">=" + (int) BUCKETS_MS[i - 1]
                        : (int) BUCKETS_MS[i - 1] + "-" + (int) BUCKETS_MS[i];
                d.append(label).append(" ms ").append(n == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * h[i] / n));
                d.append(i < h.length - 1 ? " | " : "\n");
            }
            out.append(d);
        }
        out.append('\n');
        out.append("   c2. where the time goes, from the engine log's timestamps (ms; the driver notes when each POST was\n"
                + "       answered): queue = 200 answered -> a consumer starts the job; processing = EMR steps -> event\n"
                + "       recorded; delivery = event recorded -> webhook delivered (engine.webhook.per-url-concurrency at a time per URL)\n");
        TextTable st = stageTable("in flight");
        for (E2eRow row : new E2eRow[] {unloaded, main}) {
            if (row != null) {
                st.row(stageRow(row, row.result().inFlight()));
            }
        }
        out.append(st.render("       ")).append('\n');
    }

    private static TextTable stageTable(String first) {
        return new TextTable(first, "queue p50", "p90", "p99", "processing p50", "p90", "p99", "delivery p50", "p90", "p99",
                "encounters");
    }

    private static Object[] stageRow(E2eRow row, Object first) {
        LatencyStats q = LatencyStats.ofNanos(row.stages().queueWait());
        LatencyStats p = LatencyStats.ofNanos(row.stages().processing());
        LatencyStats d = LatencyStats.ofNanos(row.stages().delivery());
        return new Object[] {first, LatencyStats.fmt(q.p50Ms()), LatencyStats.fmt(q.p90Ms()), LatencyStats.fmt(q.p99Ms()),
                LatencyStats.fmt(p.p50Ms()), LatencyStats.fmt(p.p90Ms()), LatencyStats.fmt(p.p99Ms()),
                LatencyStats.fmt(d.p50Ms()), LatencyStats.fmt(d.p90Ms()), LatencyStats.fmt(d.p99Ms()), d.count()};
    }

    private Object[] e2eRow(E2eRow row, Object first) {
        EndToEndLoad.Result r = row.result();
        LatencyStats l = LatencyStats.ofNanos(r.endToEndNanos());
        LatencyStats p = LatencyStats.ofNanos(r.postNanos());
        long[] mm = r.perSecondMinMax();
        String outcomes = r.outcomes().entrySet().stream()
                .map(e -> e.getKey().replace("telephone_encounter.", "") + " " + e.getValue()).collect(Collectors.joining(", "));
        if (row.duplicates() > 0) {
            outcomes += ", dup " + row.duplicates();
        }
        return new Object[] {first, f1(r.rate()), mm[0] + ".." + mm[1], LatencyStats.fmt(l.p50Ms()), LatencyStats.fmt(l.p75Ms()),
                LatencyStats.fmt(l.p90Ms()), LatencyStats.fmt(l.p95Ms()), LatencyStats.fmt(l.p99Ms()), LatencyStats.fmt(l.maxMs()),
                LatencyStats.fmt(p.p50Ms()), LatencyStats.fmt(p.p99Ms()), f2(row.cpu().subject()),
                r.completed() == 0 ? "-" : f1(row.cpu().subject() * r.seconds() * 1000 / r.completed()), f2(row.cpu().other()),
                outcomes.isEmpty() ? "-" : outcomes, errors(r.errors()), r.lost()};
    }

    private void appendConsumers(StringBuilder out) {
        out.append("d. CONSUMER CONCURRENCY: engine.process.concurrency = consumers of telephone-encounters.requests, a fresh\n"
                + "   engine each, " + settings.e2eInFlight() + " encounters in flight, as in c. NB the demo data has "
                + BenchRequests.PATIENTS + " valid patients, i.e. " + BenchRequests.PATIENTS + " message\n"
                + "   groups (JMSXGroupID per patient): the broker gives each group to one consumer at a time, so at most "
                + BenchRequests.PATIENTS + " jobs\n   can be processed at once whatever the concurrency.\n");
        TextTable t = new TextTable("consumers", "encounters/s", "1-s min..max", "p50", "p75", "p90", "p95", "p99", "max",
                "POST p50", "POST p99", "engine CPU", "CPU ms/enc", "other CPU", "outcomes", "errors", "lost");
        e2e.forEach((consumers, row) -> t.row(e2eRow(row, consumers)));
        out.append(t.render("   ")).append('\n');
        out.append("   d2. where the time goes, as c2\n");
        TextTable st = stageTable("consumers");
        e2e.forEach((consumers, row) -> st.row(stageRow(row, consumers)));
        out.append(st.render("       ")).append('\n');
    }

    private void appendMemoryAndStart(StringBuilder out) {
        out.append("e. MEMORY AND START-UP, per engine process. Start: from the process start (JVM launch) until\n"
                + "   /actuator/health is UP, and until ready = UP and the first reference sync done (GET /v1/providers not\n"
                + "   empty: a POST can be accepted; the sync starts engine.sync.initial-delay-ms = 2 s after start-up).\n"
                + "   First start on an empty data directory (Flyway migrations, new KahaDB). Peak RSS = VmHWM of the\n"
                + "   engine process read at the end of the phase (the kernel's high-water mark since the process started).\n"
                + "   Max heap " + engineDefaultHeap + " here: the shipped -Xmx512m (image and pods: 50 % of 1 Gi) unless\n"
                + "   --engine-jvm-opts says otherwise (=none: the JVM's default, 1/4 of RAM, and RSS follows the allocation rate).\n");
        TextTable t = new TextTable("engine process", "health UP s", "ready s", "peak RSS MiB");
        List<Double> ups = new ArrayList<>();
        List<Double> readies = new ArrayList<>();
        long maxRss = -1;
        for (Map.Entry<String, EngineRun> e : engines.entrySet()) {
            EngineRun run = e.getValue();
            boolean stock = run.phase().equals("e2e");
            t.row(e.getKey(), !Double.isNaN(run.start().healthUp()) ? f1(run.start().healthUp()) : "n/a (route stopped)",
                    f1(run.start().ready()),
                    run.peakRssKb() < 0 ? "-" : String.valueOf(run.peakRssKb() / 1024));
            if (stock) {
                ups.add(run.start().healthUp());
                readies.add(run.start().ready());
            }
            maxRss = Math.max(maxRss, run.peakRssKb());
        }
        t.row("median of the stock-configuration starts", f1(median(ups)), f1(median(readies)),
                maxRss < 0 ? "-" : "max " + maxRss / 1024);
        out.append(t.render("   ")).append('\n');
    }

    private void appendDistance(StringBuilder out) {
        long rttMs = settings.emrDelay().toMillis();
        int patients = settings.generatedPatients();
        out.append("f. EMR AT DISTANCE: the sandbox EMR answers every FHIR call after --emr-delay=" + rttMs + "ms (engine.sandbox.fhir.delay,\n"
                + "   a sleep on its HTTP thread: a round trip without CPU), with " + patients + " generated patients (MRNs "
                + EmrAtDistance.FIRST_MRN_TEXT + "..) beside the\n"
                + "   demo data (engine.sandbox.fhir.generated-patients), so the requests fall in " + patients + " message groups. Two engines,\n"
                + "   engine defaults (engine.process.concurrency=" + BenchSettings.DEFAULT_CONSUMERS + "): fast = the sandbox offers transaction Bundles and\n"
                + "   _revinclude (engine.sandbox.fhir.transactions/revinclude=true), sequential = it refuses both (=false).\n");
        out.append("   f1. EMR calls per encounter by adapter operation: telenc_emr_call_seconds_count of /actuator/prometheus\n"
                + "       before and after " + EmrAtDistance.SAMPLES + " encounters of each kind sent one at a time, each for a patient of its own.\n"
                + "       bare = the required fields only; full = refill + pharmacy " + EmrAtDistance.PHARMACY + " + caller, message, reason\n"
                + "       (on file: the patient has it already; added: the patient has no pharmacy on file)\n");
        List<String> operations = EmrAtDistance.operations(distance);
        List<String> header = new ArrayList<>(List.of("path", "encounter"));
        header.addAll(operations);
        header.addAll(List.of("total", "not ok", "outcomes"));
        TextTable calls = new TextTable(header.toArray(String[]::new));
        for (EmrAtDistance.PathResult r : distance) {
            for (EmrAtDistance.Calls c : r.calls()) {
                List<Object> row = new ArrayList<>(List.of(r.path().name(), c.kind()));
                operations.forEach(op -> row.add(c.perOperation().containsKey(op) ? f1(c.perOperation().get(op)) : "-"));
                row.add(f1(c.total()));
                row.add(f1(c.notOk()));
                row.add(c.outcomes().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")));
                calls.row(row.toArray());
            }
        }
        out.append(calls.render("       ")).append('\n');
        out.append("   f2. full encounters (pharmacy on file: every patient had one encounter first, not measured), closed loop\n"
                + "       over the " + patients + " patients in turn; POST sent -> webhook received, as in c. 'DB wait max' = the longest\n"
                + "       Hikari connection acquire (hikaricp_connections_acquire_seconds_max) after the row\n");
        boolean apart = distance.stream().anyMatch(EmrAtDistance.PathResult::sandboxProcess);
        out.append(apart
                ? "       The sandbox EMR runs as a process of its own (--sandbox=process, SandboxEmrApplication from the same jar):\n"
                        + "       'engine CPU' is the engine process alone, 'sandbox CPU' the sandbox process; CPU ms/enc = cores x window /\n"
                        + "       encounters completed, per process. 'JIT ms' = compile time (jcmd PerfCounter java.ci.totalTime) inside the\n"
                        + "       measured window, engine / sandbox; 'steady' = under " + pct(EmrAtDistance.STEADY_JIT_SHARE)
                        + " of the window in both, else the row's figures are not steady.\n"
                : "       The sandbox EMR runs inside the engine (--sandbox=embedded): 'engine CPU' is both together.\n");
        TextTable loads = new TextTable("path", "in flight", "encounters/s", "1-s min..max", "p50", "p90", "p99", "max",
                "POST p50", "engine CPU", "engine CPU ms/enc", "sandbox CPU", "sandbox CPU ms/enc", "other CPU", "JIT ms",
                "steady", "DB wait max", "outcomes", "errors", "lost");
        for (EmrAtDistance.PathResult r : distance) {
            r.loads().forEach((inFlight, load) -> {
                Object[] e2e = e2eRow(new E2eRow(r.consumers(), load.result(), load.cpu(), 0, null), inFlight);
                loads.row(r.path().name(), inFlight, e2e[1], e2e[2], e2e[3], e2e[5], e2e[7], e2e[8], e2e[9], e2e[11], e2e[12],
                        r.sandboxProcess() ? f2(load.cpu().sandbox()) : "(in engine)",
                        r.sandboxProcess() ? f1(EmrAtDistance.cpuMsPerEncounter(load.cpu().sandbox(), load.result())) : "-",
                        e2e[13], LatencyStats.fmt(load.engineJitMs()) + " / " + LatencyStats.fmt(load.sandboxJitMs()),
                        load.steady() ? "yes" : "NO", LatencyStats.fmt(load.dbAcquireMaxMs()), e2e[14], e2e[15], e2e[16]);
            });
        }
        out.append(loads.render("       "));
        for (EmrAtDistance.PathResult r : distance) {
            EmrAtDistance.Settle settle = r.settle();
            out.append("       ").append(r.path().name()).append(": JIT warm-up before the loads (16 in flight, rounds of ")
                    .append(EmrAtDistance.SETTLE_ROUND.toSeconds()).append(" s, bound --jit-settle=")
                    .append(settings.jitSettleMax().toSeconds()).append(" s): ")
                    .append(settle.rounds() == 0 ? "off" : settle.rounds() + " rounds, " + f1(settle.seconds()) + " s, "
                            + (settle.settled() ? "settled" : "NOT settled") + " (last round's compile ms engine "
                            + LatencyStats.fmt(settle.lastEngineJitMs()) + ", sandbox " + LatencyStats.fmt(settle.lastSandboxJitMs()) + ")")
                    .append(r.sandboxPeakRssKb() > 0 ? "; sandbox peak RSS " + r.sandboxPeakRssKb() / 1024 + " MiB" : "")
                    .append('\n');
            if (r.loads().values().stream().anyMatch(l -> !l.steady())) {
                out.append("       ").append(r.path().name())
                        .append(": NOT STEADY: rows marked NO compiled for over 1 % of their window; their figures include JIT work\n");
            }
        }
        out.append('\n');
        appendBreakdown(out);
        out.append("   f3. against the bound: a consumer waits calls x RTT per encounter, so one replica completes at most\n"
                + "       consumers / (calls x RTT) encounters/s; a closed loop of N in flight, over P patients (one consumer\n"
                + "       per message group at a time), at most min(N, consumers, P) / (calls x RTT). calls = f1's 'full, on file';\n"
                + "       RTT = the sandbox delay (the real round trip adds the sandbox's own work and the engine's steps)\n");
        TextTable bound = new TextTable("path", "calls/enc", "RTT ms", "consumers", "consumer bound/s", "in flight",
                "loop bound/s", "measured/s", "measured / loop bound");
        Map<String, Double> at64 = new LinkedHashMap<>();
        for (EmrAtDistance.PathResult r : distance) {
            double callsPerEncounter = r.callsPerLoadEncounter();
            double seconds = callsPerEncounter * rttMs / 1000.0;
            for (int inFlight : new int[] {16, 64}) {
                EmrAtDistance.Load load = r.loads().get(inFlight);
                if (load == null) {
                    continue;
                }
                double consumerBound = r.consumers() / seconds;
                double loopBound = Math.min(inFlight, Math.min(r.consumers(), patients)) / seconds;
                double measured = load.result().rate();
                bound.row(r.path().name(), f1(callsPerEncounter), rttMs, r.consumers(), f1(consumerBound), inFlight,
                        f1(loopBound), f1(measured), pct(measured / loopBound));
                if (inFlight == 64) {
                    at64.put(r.path().name(), measured);
                }
            }
        }
        out.append(bound.render("       "));
        if (at64.containsKey("fast") && at64.containsKey("sequential")) {
            out.append("       fast / sequential at 64 in flight: ").append(f2(at64.get("fast") / at64.get("sequential")))
                    .append(" x\n");
        }
        out.append('\n');
    }

    private void appendBreakdown(StringBuilder out) {
        if (distance.stream().allMatch(r -> r.breakdown() == null)) {
            return;
        }
        out.append("   f4. where the median encounter's time goes, 1 in flight: a second engine with tracing on (OTLP/HTTP to a\n"
                + "       receiver in the driver; each POST carries the driver's traceparent) against the same sandbox process, "
                + settings.e2eWarmup().toSeconds() + " + 10 s\n"
                + "       of warm-up (cold JIT: slower than f2's 1-in-flight row), then one encounter at a time for "
                + settings.e2eMeasure().toSeconds() + " s; the median by\n"
                + "       POST-to-webhook. Each span of its trace, nested by parent; 'at' = start, ms after the POST was sent.\n");
        for (EmrAtDistance.PathResult r : distance) {
            EmrAtDistance.Breakdown b = r.breakdown();
            if (b == null) {
                continue;
            }
            out.append("       ").append(r.path().name()).append(": median of ").append(b.encounters())
                    .append(" encounters: POST-to-webhook ").append(f1(b.endToEndMs())).append(" ms, POST answered after ")
                    .append(f1(b.postMs())).append(" ms\n");
            TextTable t = new TextTable("span", "at ms", "duration ms");
            for (EmrAtDistance.SpanLine line : b.spans()) {
                t.row("  ".repeat(line.depth()) + line.name(), f1(line.startMs()), f1(line.durationMs()));
            }
            out.append(t.render("         ")).append('\n');
        }
    }

    private void appendTargets(StringBuilder out) {
        out.append("TARGETS\n");
        TextTable t = new TextTable("target", "measured", "verdict");
        Row in16 = intake.get(16);
        Map<String, String> k16 = ceiling.getOrDefault("camel", Map.of()).get(16);
        if (in16 != null && k16 != null) {
            double ratio = in16.result().rate() / parse(k16.get("rate"));
            t.row("intake c16 >= 70 % of the persistent-send ceiling (camel, 16 threads)",
                    pct(ratio) + " (" + f0(in16.result().rate()) + " / " + num0(k16.get("rate")) + ")", verdict(ratio >= 0.70));
        }
        if (in16 != null) {
            double p99 = in16.result().latency().p99Ms();
            t.row("intake p99 at c16 < 50 ms", LatencyStats.fmt(p99) + " ms", verdict(p99 < 50));
        }
        E2eRow main = e2e.get(BenchSettings.DEFAULT_CONSUMERS);
        if (main != null) {
            double p50 = LatencyStats.ofNanos(main.result().endToEndNanos()).p50Ms();
            t.row("POST-to-webhook p50 < 150 ms, sandbox (" + main.result().inFlight() + " in flight, defaults)",
                    LatencyStats.fmt(p50) + " ms", verdict(p50 < 150));
        }
        if (unloaded != null) {
            double p50 = LatencyStats.ofNanos(unloaded.result().endToEndNanos()).p50Ms();
            t.row("  the same, unloaded (1 in flight)", LatencyStats.fmt(p50) + " ms", verdict(p50 < 150));
        }
        long maxRss = engines.values().stream().mapToLong(EngineRun::peakRssKb).max().orElse(-1);
        if (maxRss > 0) {
            t.row("peak RSS < 768 MB (max over all engine processes; MB = MiB here)", maxRss / 1024 + " MiB",
                    verdict(maxRss / 1024 < 768));
        }
        out.append(t.render("   "));
    }

    // ---------------------------------------------------------------- formatting helpers

    private static String verdict(boolean met) {
        return met ? "met" : "NOT met";
    }

    private static String errors(Map<String, Long> errors) {
        return errors.isEmpty() ? "0" : errors.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().filter(v -> !Double.isNaN(v)).sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double parse(String s) {
        try {
            return s == null ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String num0(String s) {
        return f0(parse(s));
    }

    private static String ms(String s) {
        return LatencyStats.fmt(parse(s));
    }

    private static String f0(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f1(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%.0f %%", 100 * v);
    }
}
