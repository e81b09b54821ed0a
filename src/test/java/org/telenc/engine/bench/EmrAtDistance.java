package org.telenc.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.telenc.engine.sandbox.fhir.SandboxGeneratedPatients;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Phase f of the benchmark: the EMR at a clinic's distance. The engine runs with the sandbox EMR
 * delaying every FHIR call ({@code engine.sandbox.fhir.delay}, {@code --emr-delay}) and a generated
 * population beside the demo data ({@code engine.sandbox.fhir.generated-patients},
 * {@code --generated-patients}), so the requests fall in many message groups. Both EMR paths, one
 * engine each: the fast one (the sandbox's CapabilityStatement offers transaction Bundles and
 * {@code _revinclude}) and the sequential one (it refuses both:
 * {@code engine.sandbox.fhir.transactions=false}, {@code engine.sandbox.fhir.revinclude=false}).
 * For each: the EMR calls per encounter by adapter operation (the {@code telenc_emr_call_seconds_count}
 * counters of {@code /actuator/prometheus} around encounters sent one at a time), then closed-loop
 * loads of full encounters at 1, 16 and 64 in flight, against the bound
 * consumers / (calls x RTT) of one replica.
 */
final class EmrAtDistance {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EMR_CALL_COUNT = Pattern.compile("^telenc_emr_call_seconds_count\\{([^}]*)}\\s+(\\S+)",
            Pattern.MULTILINE);
    private static final Pattern ACQUIRE_MAX = Pattern.compile("^hikaricp_connections_acquire_seconds_max\\{[^}]*}\\s+(\\S+)",
            Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final int FIRST_MRN = SandboxGeneratedPatients.FIRST_MRN;
    static final String FIRST_MRN_TEXT = Integer.toString(FIRST_MRN);
    private static final String REFILL = "lisinopril";
    /** The pharmacy every full encounter asks for: on file for every fourth patient, added to the others once. */
    static final String PHARMACY = "PH-2001";
    static final int[] IN_FLIGHT = {1, 16, 64};
    /** Encounters sent one at a time per kind, each for a patient of its own. */
    static final int SAMPLES = 5;

    /** One EMR path: the engine arguments that make the sandbox offer or refuse the fast path. */
    record EmrPath(String name, boolean fast) {
        List<String> engineArgs() {
            return List.of("--engine.sandbox.fhir.transactions=" + fast, "--engine.sandbox.fhir.revinclude=" + fast);
        }
    }

    static final List<EmrPath> PATHS = List.of(new EmrPath("fast", true), new EmrPath("sequential", false));

    /** EMR calls per encounter of one kind: by operation, in all, and how many did not end ok. */
    record Calls(String kind, int encounters, Map<String, Double> perOperation, double total, double notOk,
            Map<String, Long> outcomes) {
    }

    /**
     * @param cpu engine CPU ({@code subject}) and, with the sandbox in a process of its own, the sandbox's ({@code sandbox})
     * @param engineJitMs JIT compile time of the engine inside the measured window, ms (NaN: not read)
     * @param sandboxJitMs the same for the sandbox process (NaN: embedded, or not read)
     */
    record Load(int inFlight, EndToEndLoad.Result result, CpuMeter.Usage cpu, double dbAcquireMaxMs, double engineJitMs,
            double sandboxJitMs) {

        /** Compile time below 1 % of the window in every process measured: the JIT had settled. */
        boolean steady() {
            double limit = STEADY_JIT_SHARE * result.seconds() * 1000;
            return !(engineJitMs > limit) && !(sandboxJitMs > limit) && !Double.isNaN(engineJitMs);
        }
    }

    /** JIT compile time per window below this share of the window counts as steady. */
    static final double STEADY_JIT_SHARE = 0.01;
    /** One round of the JIT warm-up: this long at 16 in flight. */
    static final Duration SETTLE_ROUND = Duration.ofSeconds(5);

    /**
     * The warm-up until the JIT has settled, before the loads: rounds of {@link #SETTLE_ROUND} at 16 in
     * flight until a round's compile time is below {@link #STEADY_JIT_SHARE} of it in every process, at
     * most {@code --jit-settle} seconds.
     *
     * @param lastEngineJitMs compile time of the engine in the last round, ms
     * @param lastSandboxJitMs the sandbox process's (NaN: embedded)
     */
    record Settle(double seconds, int rounds, boolean settled, double lastEngineJitMs, double lastSandboxJitMs) {
        static final Settle NONE = new Settle(0, 0, false, Double.NaN, Double.NaN);
    }

    /** One span of the median encounter's trace: its depth below the driver's root, offsets from the POST sent, ms. */
    record SpanLine(int depth, String name, double startMs, double durationMs) {
    }

    /**
     * Where the time of the median encounter at 1 in flight went, from the engine's own trace of it
     * (tracing on, OTLP to a receiver in the driver; the driver's traceparent names the trace).
     *
     * @param encounters how many were measured (the median is of these)
     * @param endToEndMs the median encounter's POST sent to webhook received
     * @param postMs its POST sent to 200 answered
     */
    record Breakdown(int encounters, double endToEndMs, double postMs, List<SpanLine> spans) {
    }

    record PathResult(EmrPath path, int consumers, List<Calls> calls, Map<Integer, Load> loads, BenchEngine.StartTimes start,
            long peakRssKb, boolean sandboxProcess, Settle settle, Breakdown breakdown, long sandboxPeakRssKb) {

        /** EMR calls of the encounters the loads send (full, pharmacy on file), NaN if not measured. */
        double callsPerLoadEncounter() {
            return calls.stream().filter(c -> c.kind().equals(Kind.FULL_ON_FILE.label)).mapToDouble(Calls::total)
                    .findFirst().orElse(Double.NaN);
        }
    }

    /** What the encounters sent one at a time carry, and which patients (0-based indexes) they are for. */
    enum Kind {
        BARE("bare", 2),
        FULL_ON_FILE("full, pharmacy on file", 0),
        FULL_NEW_PHARMACY("full, pharmacy added", 1);

        final String label;
        final int firstPatient;

        Kind(String label, int firstPatient) {
            this.label = label;
            this.firstPatient = firstPatient;
        }

        /**
         * The i-th sample's patient: bare 2, 6, 10, ...; on file 0, 4, 8, ... (PH-2001 on file); added
         * 1, 5, 9, ... (no pharmacy on file). Disjoint, so no sample sees another's writes.
         */
        int patient(int sample) {
            return firstPatient + 4 * sample;
        }
    }

    private final BenchSettings settings;
    private final Consumer<String> progress;

    EmrAtDistance(BenchSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    PathResult run(EmrPath path) throws Exception {
        Path dir = settings.outDir().resolve("distance-" + path.name());
        int consumers = BenchSettings.DEFAULT_CONSUMERS;
        List<String> sandboxArgs = new ArrayList<>(List.of(
                "--engine.sandbox.fhir.delay=" + settings.emrDelay().toMillis() + "ms",
                "--engine.sandbox.fhir.generated-patients=" + settings.generatedPatients()));
        sandboxArgs.addAll(path.engineArgs());
        SandboxEmrProcess sandbox = null;
        List<String> args = new ArrayList<>();
        if (settings.sandboxProcess()) {
            sandbox = new SandboxEmrProcess(settings.jar(), settings.outDir().resolve("distance-" + path.name() + "-sandbox"),
                    settings.engineJvmOptions(), sandboxArgs);
            progress("f " + path.name() + ": starting the sandbox EMR process, " + String.join(" ", sandboxArgs));
            double up = sandbox.start(settings.readyTimeout());
            progress(String.format(Locale.ROOT, "f %s: sandbox EMR up in %.1f s at %s", path.name(), up, sandbox.baseUrl()));
            args.add("--engine.demo.emr-base-url=" + sandbox.baseUrl());
        } else {
            args.addAll(sandboxArgs);
        }
        args.add("--engine.process.concurrency=" + consumers);
        try (SandboxEmrProcess emr = sandbox;
                BenchEngine engine = new BenchEngine(settings.jar(), dir, settings.engineJvmOptions(), settings.jfr(), args);
                WebhookReceiver receiver = new WebhookReceiver()) {
            long sandboxPid = emr == null ? -1 : emr.pid();
            progress("f " + path.name() + ": starting engine, " + String.join(" ", args));
            BenchEngine.StartTimes start = engine.start(settings.readyTimeout(), true);
            progress(String.format(Locale.ROOT, "f %s: ready in %.1f s", path.name(), start.ready()));
            Benchmark.registerOnlyWebhook(engine, receiver.url());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            awaitNoEmrCalls(http, engine);
            URI post = engine.uri("/v1/telephone-encounters");

            List<Calls> calls = new ArrayList<>();
            for (Kind kind : Kind.values()) {
                Calls c = countCalls(http, engine, receiver, post, kind);
                calls.add(c);
                progress(String.format(Locale.ROOT, "f %s: %s encounter, %.1f EMR calls %s", path.name(), kind.label,
                        c.total(), c.perOperation()));
            }

            // every patient once, not measured: JIT warm, and every patient has PH-2001 on file from then on,
            // so each measured encounter makes the calls of "full, pharmacy on file"
            progress("f " + path.name() + ": one encounter per generated patient, not measured");
            prime(http, receiver, post);

            AtomicLong next = new AtomicLong();
            java.util.function.Supplier<String> bodies = () -> fullBody((int) (next.getAndIncrement() % settings.generatedPatients()),
                    PHARMACY);
            Settle settle = settleJit(path, post, receiver, engine.pid(), sandboxPid, bodies);

            Map<Integer, Load> loads = new LinkedHashMap<>();
            for (int inFlight : IN_FLIGHT) {
                JitWindow window = new JitWindow(new CpuMeter(engine.pid(), sandboxPid), engine.pid(), sandboxPid);
                EndToEndLoad.Result r = EndToEndLoad.run(post, receiver, inFlight, settings.e2eWarmup(),
                        settings.e2eMeasure(), window, bodies);
                double acquire = scrapeAcquireMaxMs(http, engine);
                Load load = new Load(inFlight, r, window.cpu.usage(), acquire, window.engineMs, window.sandboxMs);
                loads.put(inFlight, load);
                progress(String.format(Locale.ROOT, "f %s, %d in flight: %.1f enc/s, p50 %s ms, p99 %s ms, lost %d, "
                        + "CPU ms/enc engine %s sandbox %s, JIT ms in window engine %s sandbox %s",
                        path.name(), inFlight, r.rate(), LatencyStats.fmt(LatencyStats.ofNanos(r.endToEndNanos()).p50Ms()),
                        LatencyStats.fmt(LatencyStats.ofNanos(r.endToEndNanos()).p99Ms()), r.lost(),
                        LatencyStats.fmt(cpuMsPerEncounter(load.cpu().subject(), r)),
                        LatencyStats.fmt(cpuMsPerEncounter(load.cpu().sandbox(), r)), LatencyStats.fmt(load.engineJitMs()),
                        LatencyStats.fmt(load.sandboxJitMs())));
            }
            engine.stop();
            Breakdown breakdown = null;
            if (emr != null) {
                breakdown = tracedBreakdown(path, emr, dir.resolveSibling("distance-" + path.name() + "-traced"));
            }
            PathResult result = new PathResult(path, consumers, calls, loads, start, engine.peakRssKb(), emr != null, settle,
                    breakdown, emr == null ? -1 : emr.peakRssKb());
            if (!settings.keepData()) {
                engine.deleteDataKeepLog();
            }
            return result;
        }
    }

    /** CPU ms per completed encounter from cores over the window (NaN when not measured or none completed). */
    static double cpuMsPerEncounter(double cores, EndToEndLoad.Result r) {
        return r.completed() == 0 || Double.isNaN(cores) ? Double.NaN : cores * r.seconds() * 1000 / r.completed();
    }

    /** CPU of the measured window (a {@link CpuMeter}) and the JIT compile time inside it, per process. */
    static final class JitWindow implements ClosedLoop.Window {
        final CpuMeter cpu;
        private final long enginePid;
        private final long sandboxPid;
        private double engineStart;
        private double sandboxStart;
        volatile double engineMs = Double.NaN;
        volatile double sandboxMs = Double.NaN;

        JitWindow(CpuMeter cpu, long enginePid, long sandboxPid) {
            this.cpu = cpu;
            this.enginePid = enginePid;
            this.sandboxPid = sandboxPid;
        }

        @Override
        public void started() {
            cpu.started();
            engineStart = JitCompileTime.millis(enginePid);
            sandboxStart = sandboxPid < 0 ? Double.NaN : JitCompileTime.millis(sandboxPid);
        }

        @Override
        public void ended() {
            cpu.ended();
            engineMs = JitCompileTime.millis(enginePid) - engineStart;
            sandboxMs = sandboxPid < 0 ? Double.NaN : JitCompileTime.millis(sandboxPid) - sandboxStart;
        }
    }

    /** Rounds at 16 in flight until the JIT compile time of a round is below 1 % of it in every process, or the bound. */
    private Settle settleJit(EmrPath path, URI post, WebhookReceiver receiver, long enginePid, long sandboxPid,
            java.util.function.Supplier<String> bodies) throws Exception {
        if (settings.jitSettleMax().isZero()) {
            return Settle.NONE;
        }
        long begin = System.nanoTime();
        int rounds = 0;
        double limit = STEADY_JIT_SHARE * SETTLE_ROUND.toMillis();
        JitWindow window;
        boolean settled;
        do {
            window = new JitWindow(new CpuMeter(enginePid, sandboxPid), enginePid, sandboxPid);
            EndToEndLoad.run(post, receiver, 16, Duration.ZERO, SETTLE_ROUND, window, bodies);
            rounds++;
            settled = window.engineMs <= limit && !(window.sandboxMs > limit);
            progress(String.format(Locale.ROOT, "f %s: JIT warm-up round %d, compile ms engine %s sandbox %s%s", path.name(),
                    rounds, LatencyStats.fmt(window.engineMs), LatencyStats.fmt(window.sandboxMs), settled ? ": settled" : ""));
        } while (!settled && System.nanoTime() - begin < settings.jitSettleMax().toNanos());
        return new Settle((System.nanoTime() - begin) / 1e9, rounds, settled, window.engineMs, window.sandboxMs);
    }

    /**
     * The breakdown: a second engine, tracing on (OTLP to a receiver here), on the same sandbox process
     * (its patients already primed), one encounter in flight for the warm-up and measure windows; each
     * POST carries a traceparent of the driver's, so the median encounter's trace is known by its id.
     */
    private Breakdown tracedBreakdown(EmrPath path, SandboxEmrProcess emr, Path dir) throws Exception {
        try (org.telenc.engine.support.OtlpReceiver otlp = new org.telenc.engine.support.OtlpReceiver();
                BenchEngine engine = new BenchEngine(settings.jar(), dir, settings.engineJvmOptions(), false, List.of(
                        "--engine.demo.emr-base-url=" + emr.baseUrl(),
                        "--engine.process.concurrency=" + BenchSettings.DEFAULT_CONSUMERS,
                        "--management.tracing.enabled=true",
                        "--management.otlp.tracing.endpoint=" + otlp.endpoint()));
                WebhookReceiver receiver = new WebhookReceiver()) {
            progress("f " + path.name() + ": breakdown, engine with tracing on against the same sandbox EMR");
            engine.start(settings.readyTimeout(), true);
            Benchmark.registerOnlyWebhook(engine, receiver.url());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            URI post = engine.uri("/v1/telephone-encounters");
            java.util.Random random = new java.util.Random(7);
            java.util.HexFormat hex = java.util.HexFormat.of();
            int patient = 0;
            long warmEnd = System.nanoTime() + settings.e2eWarmup().toNanos() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < warmEnd) {
                submitAndWait(http, receiver, post, fullBody(patient++ % settings.generatedPatients(), PHARMACY));
            }
            record Traced(String traceId, long postNanos, long e2eNanos, long sentEpochNanos) {
            }
            List<Traced> traced = new ArrayList<>();
            long measureEnd = System.nanoTime() + settings.e2eMeasure().toNanos();
            while (System.nanoTime() < measureEnd) {
                byte[] t = new byte[16];
                byte[] sp = new byte[8];
                random.nextBytes(t);
                random.nextBytes(sp);
                String traceId = hex.formatHex(t);
                long sentEpoch = java.time.Instant.now().toEpochMilli() * 1_000_000L;
                long t0 = System.nanoTime();
                HttpResponse<String> response = http.send(BenchEngine.authenticated(post).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json").header("traceparent", "00-" + traceId + "-" + hex.formatHex(sp) + "-01")
                        .POST(HttpRequest.BodyPublishers.ofString(fullBody(patient++ % settings.generatedPatients(), PHARMACY)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                long posted = System.nanoTime();
                if (response.statusCode() != 200) {
                    continue;
                }
                String id = JSON.readTree(response.body()).path("telephone_encounter_id").asText();
                WebhookReceiver.Arrival arrival = receiver.expect(id).get(120, TimeUnit.SECONDS);
                traced.add(new Traced(traceId, posted - t0, arrival.nanoTime() - t0, sentEpoch));
            }
            if (traced.isEmpty()) {
                return null;
            }
            traced.sort(java.util.Comparator.comparingLong(Traced::e2eNanos));
            Traced median = traced.get(traced.size() / 2);
            byte[] wanted = hex.parseHex(median.traceId());
            List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
            try {
                Awaitility.await("the median encounter's spans").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> {
                            spans.clear();
                            otlp.spans().stream().filter(sp -> java.util.Arrays.equals(sp.getTraceId().toByteArray(), wanted))
                                    .forEach(spans::add);
                            return spans.stream().anyMatch(sp -> sp.getName().startsWith("deliver-webhook-attempt"));
                        });
            } catch (ConditionTimeoutException partial) {
                // what arrived is shown
            }
            engine.stop();
            return new Breakdown(traced.size(), median.e2eNanos() / 1e6, median.postNanos() / 1e6,
                    spanLines(spans, median.sentEpochNanos()));
        }
    }

    /** The spans as a tree (children under parents, by start time), offsets from the POST sent. */
    static List<SpanLine> spanLines(List<io.opentelemetry.proto.trace.v1.Span> spans, long sentEpochNanos) {
        Map<String, List<io.opentelemetry.proto.trace.v1.Span>> children = new java.util.HashMap<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        java.util.HexFormat hex = java.util.HexFormat.of();
        spans.forEach(sp -> ids.add(hex.formatHex(sp.getSpanId().toByteArray())));
        List<io.opentelemetry.proto.trace.v1.Span> roots = new ArrayList<>();
        for (var sp : spans) {
            String parent = hex.formatHex(sp.getParentSpanId().toByteArray());
            if (ids.contains(parent)) {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(sp);
            } else {
                roots.add(sp);
            }
        }
        List<SpanLine> lines = new ArrayList<>();
        addLines(roots, 0, children, sentEpochNanos, lines, hex);
        return lines;
    }

    private static void addLines(List<io.opentelemetry.proto.trace.v1.Span> level, int depth,
            Map<String, List<io.opentelemetry.proto.trace.v1.Span>> children, long origin, List<SpanLine> lines,
            java.util.HexFormat hex) {
        level.stream().sorted(java.util.Comparator.comparingLong(io.opentelemetry.proto.trace.v1.Span::getStartTimeUnixNano))
                .forEach(sp -> {
                    lines.add(new SpanLine(depth, sp.getName(), (sp.getStartTimeUnixNano() - origin) / 1e6,
                            (sp.getEndTimeUnixNano() - sp.getStartTimeUnixNano()) / 1e6));
                    addLines(children.getOrDefault(hex.formatHex(sp.getSpanId().toByteArray()), List.of()), depth + 1, children,
                            origin, lines, hex);
                });
    }

    /** SAMPLES encounters of the kind, one at a time; the counters' difference divided by SAMPLES. */
    private Calls countCalls(HttpClient http, BenchEngine engine, WebhookReceiver receiver, URI post, Kind kind)
            throws Exception {
        Map<List<String>, Double> before = scrapeEmrCalls(http, engine);
        Map<String, Long> outcomes = new TreeMap<>();
        for (int i = 0; i < SAMPLES; i++) {
            int patient = kind.patient(i) % settings.generatedPatients();
            String body = switch (kind) {
                case BARE -> bareBody(patient);
                case FULL_ON_FILE -> fullBody(patient, PHARMACY);
                case FULL_NEW_PHARMACY -> fullBody(patient, PHARMACY);
            };
            outcomes.merge(submitAndWait(http, receiver, post, body), 1L, Long::sum);
        }
        Map<List<String>, Double> after = scrapeEmrCalls(http, engine);
        Map<String, Double> perOperation = new TreeMap<>();
        double total = 0;
        double notOk = 0;
        for (Map.Entry<List<String>, Double> e : after.entrySet()) {
            double diff = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            if (diff <= 0) {
                continue;
            }
            perOperation.merge(e.getKey().get(0), diff / SAMPLES, Double::sum);
            total += diff / SAMPLES;
            if (!"ok".equals(e.getKey().get(1))) {
                notOk += diff / SAMPLES;
            }
        }
        return new Calls(kind.label, SAMPLES, perOperation, total, notOk, outcomes);
    }

    /** One full encounter for every generated patient, 16 at a time. */
    private void prime(HttpClient http, WebhookReceiver receiver, URI post) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < 16; w++) {
            Thread t = new Thread(() -> {
                int patient;
                while ((patient = next.getAndIncrement()) < settings.generatedPatients()) {
                    try {
                        submitAndWait(http, receiver, post, fullBody(patient, PHARMACY));
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }, "prime-" + w);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join(TimeUnit.MINUTES.toMillis(5));
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("priming: " + failures.size() + " encounters failed, first: " + failures.get(0));
        }
    }

    /** POSTs the body, waits for its webhook; the event type. */
    private static String submitAndWait(HttpClient http, WebhookReceiver receiver, URI post, String body) throws Exception {
        HttpResponse<String> response = http.send(BenchEngine.authenticated(post).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST answered " + response.statusCode() + ": "
                    + JSON.readTree(response.body()).path("error").asText());
        }
        String id = JSON.readTree(response.body()).path("telephone_encounter_id").asText();
        return receiver.expect(id).get(120, TimeUnit.SECONDS).type().replace("telephone_encounter.", "");
    }

    /** The engine's EMR calls so far, by (operation, outcome). */
    static Map<List<String>, Double> scrapeEmrCalls(HttpClient http, BenchEngine engine) throws Exception {
        return parseEmrCalls(prometheus(http, engine));
    }

    static Map<List<String>, Double> parseEmrCalls(String exposition) {
        Map<List<String>, Double> counts = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
        Matcher m = EMR_CALL_COUNT.matcher(exposition);
        while (m.find()) {
            Map<String, String> labels = new TreeMap<>();
            Matcher l = LABEL.matcher(m.group(1));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            counts.merge(List.of(labels.getOrDefault("operation", "?"), labels.getOrDefault("outcome", "?")),
                    Double.parseDouble(m.group(2)), Double::sum);
        }
        return counts;
    }

    private static double scrapeAcquireMaxMs(HttpClient http, BenchEngine engine) {
        try {
            Matcher m = ACQUIRE_MAX.matcher(prometheus(http, engine));
            double max = Double.NaN;
            while (m.find()) {
                double v = Double.parseDouble(m.group(1)) * 1000;
                max = Double.isNaN(max) ? v : Math.max(max, v);
            }
            return max;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static String prometheus(HttpClient http, BenchEngine engine) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(engine.uri("/actuator/prometheus"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/actuator/prometheus answered " + response.statusCode());
        }
        return response.body();
    }

    /** Waits until the start-up's reference sync has made its last EMR call (the count stands still). */
    private void awaitNoEmrCalls(HttpClient http, BenchEngine engine) throws Exception {
        Duration quiet = Duration.ofMillis(Math.max(1000, 3 * settings.emrDelay().toMillis()));
        AtomicReference<Double> last = new AtomicReference<>(-1.0);
        try {
            // the count the same at every look for a quiet period
            Awaitility.await("the start-up's EMR calls over").during(quiet).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        double now = scrapeEmrCalls(http, engine).values().stream().mapToDouble(Double::doubleValue).sum();
                        return last.getAndSet(now) == now;
                    });
        } catch (ConditionTimeoutException stillCalling) {
            // measured anyway, as before: the figures show the sync's calls
        }
    }

    /** The required fields only: no refill, pharmacy, caller, message or reason. */
    static String bareBody(int patient) {
        return base(patient).toString();
    }

    /** A refill of the patient's order, a pharmacy, caller, message and reason. */
    static String fullBody(int patient, String pharmacy) {
        return base(patient)
                .put("caller", "Benchmark caller")
                .put("message", "Benchmark request: please call back about the prescription.")
                .put("reason", "Refill request")
                .put("refill_medication_name", REFILL)
                .put("pharmacy_ehr_id", pharmacy)
                .toString();
    }

    private static ObjectNode base(int patient) {
        boolean even = patient % 2 == 0;
        return JSON.createObjectNode()
                .put("patient_mrn", Integer.toString(FIRST_MRN + patient))
                .put("provider_id", even ? "12241" : "12242")
                .put("location_id", even ? "31" : "32")
                .put("assigned_to_id", "12220");
    }

    /** Every operation seen in any of the results, in order. */
    static List<String> operations(List<PathResult> results) {
        TreeSet<String> ops = new TreeSet<>();
        results.forEach(r -> r.calls().forEach(c -> ops.addAll(c.perOperation().keySet())));
        return List.copyOf(ops);
    }

    private void progress(String message) {
        progress.accept(message);
    }
}
