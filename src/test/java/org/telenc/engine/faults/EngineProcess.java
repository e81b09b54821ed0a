package org.telenc.engine.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The packaged engine ({@code java -jar telephone-encounter-engine-*.jar}) as a separate OS process,
 * so that a fault can really take it away: {@link #kill()} is SIGKILL (no shutdown hook, no flush,
 * exactly a crash or an OOM kill), {@link #stop()} is SIGTERM (Spring's graceful shutdown, what a
 * deployment does), and {@link #start()} brings it back on the same data directory and ports, as a
 * restarted pod would be. Its output goes to {@code engine.log} in the data directory, appended
 * across restarts. A JVM shutdown hook kills any engine (and its descendants) still running when
 * the suite's JVM exits, so an aborted run leaves nothing behind.
 */
final class EngineProcess implements AutoCloseable {

    private static final Set<EngineProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(EngineProcess::destroyNow), "engine-cleanup"));
    }

    static final String CLIENT_ID = "demo-client";
    static final String CLIENT_SECRET = "demo-secret";
    static final String ACCESS_TOKEN = "demo-access-token";

    private final List<String> command;
    private final Path dataDir;
    private final Path log;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final Duration readyTimeout;
    private Process process;
    private int starts;

    EngineProcess(FaultSuiteSettings settings, Path dataDir, String emrBaseUrl, String webhookUrl) throws IOException {
        this(settings, dataDir, emrBaseUrl, webhookUrl, List.of());
    }

    /** With extra arguments (a scenario's, e.g. an external broker), before the settings' own. */
    EngineProcess(FaultSuiteSettings settings, Path dataDir, String emrBaseUrl, String webhookUrl, List<String> scenarioArgs)
            throws IOException {
        this.dataDir = dataDir;
        this.log = dataDir.resolve("engine.log");
        this.httpPort = FreePort.find();
        this.readyTimeout = settings.engineReadyTimeout();
        List<String> args = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar", settings.engineJar().toString(),
                "--server.port=" + httpPort,
                "--engine.data-dir=" + dataDir.toAbsolutePath(),
                "--engine.broker.tcp-connector=tcp://127.0.0.1:" + FreePort.find(),
                "--engine.broker.stomp-connector=",
                "--engine.broker.amqp-connector=",
                "--engine.demo.emr-base-url=" + emrBaseUrl,
                "--engine.demo.webhook-url=" + webhookUrl,
                "--engine.webhook.retry-schedule=1s,2s,3s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s,5s",
                "--engine.webhook.jitter=0",
                "--engine.emr.retry.window=PT10M",
                "--engine.emr.retry.backoff=1s,2s,3s",
                "--engine.sync.initial-delay-ms=0",
                // a request stored but never queued (killed in between) is swept within the deadline
                "--engine.intake.sweep.after=15s",
                "--engine.intake.sweep.period-ms=5000"));
        args.addAll(scenarioArgs);
        args.addAll(settings.extraEngineArgs());
        this.command = List.copyOf(args);
    }

    /**
     * Starts the engine and waits until it is ready; throws (naming the log) if it is not in time.
     *
     * @return how long it took to become ready
     */
    Duration start() throws IOException, InterruptedException {
        long begin = System.nanoTime();
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("engine already running");
        }
        starts++;
        Files.writeString(log, System.lineSeparator() + "==== fault suite: engine start #" + starts + " at "
                + Instant.now() + " ====" + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        LIVE.add(this);
        awaitReady();
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    /** SIGKILL: the engine gets no chance to finish anything. */
    void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
        LIVE.remove(this);
    }

    /** SIGTERM and wait for the graceful shutdown; a shutdown that hangs is killed and reported. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            LIVE.remove(this);
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
            throw new IllegalStateException("engine did not stop within 60 s of SIGTERM; killed. Log: " + log);
        }
        LIVE.remove(this);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    Path log() {
        return log;
    }

    Path dataDir() {
        return dataDir;
    }

    /**
     * The distinct values of the pattern's first group over the whole engine log. The engine logs
     * ids and codes only (never PHI), which is what the suite looks for.
     */
    Set<String> distinctInLog(Pattern pattern) throws IOException {
        if (!Files.exists(log)) {
            return Set.of();
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.map(pattern::matcher).filter(Matcher::find).map(m -> m.group(1)).collect(Collectors.toSet());
        } catch (java.io.UncheckedIOException e) {
            return Set.of(); // a line cut in the middle of a multi-byte character while the engine writes
        }
    }

    /** Ready: health is UP and the reference data was synced from the external EMR. */
    private void awaitReady() throws IOException, InterruptedException {
        try {
            Awaitility.await("the engine ready").atMost(readyTimeout).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    LIVE.remove(this);
                    throw new IllegalStateException("engine exited with status " + process.exitValue()
                            + " before it was ready. Log: " + log);
                }
                return healthy() && providersSynced();
            });
        } catch (ConditionTimeoutException late) {
            kill();
            throw new IllegalStateException("engine not ready within " + readyTimeout.toSeconds() + " s. Log: " + log);
        }
    }

    private boolean healthy() {
        return get("/actuator/health") != null;
    }

    private boolean providersSynced() {
        String body = get("/v1/providers");
        try {
            return body != null && JSON.readTree(body).path("providers").size() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The body of a 200 answer, or null for anything else (not up yet, 503 while starting...). */
    private String get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5))
                    .header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET)
                    .header("access_token", ACCESS_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void destroyNow() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
