package org.telenc.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The packaged engine as a user runs it ({@code java -jar telephone-encounter-engine-*.jar}, embedded
 * broker, H2 file database and sandbox EMR, all under a fresh data directory), as a separate OS
 * process on free loopback ports. {@link #start} times the way to ready; {@link #peakRssKb} and
 * {@link #cpuSeconds} read {@code /proc} while it runs. A JVM shutdown hook kills an engine still
 * running when the benchmark exits, so an aborted run leaves nothing behind.
 */
final class BenchEngine implements AutoCloseable {

    static final String CLIENT_ID = "demo-client";
    static final String CLIENT_SECRET = "demo-secret";
    static final String ACCESS_TOKEN = "demo-access-token";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dataDir;
    private final Path log;
    private final int httpPort;
    private final List<String> command;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private long peakRssAtStop = -1;

    /**
     * How long the engine took to come up, from the moment its process was started.
     *
     * @param healthUp until {@code /actuator/health} answered UP (NaN if never, e.g. with a route stopped on purpose)
     * @param ready until it was UP and the reference sync had filled the providers, i.e. a POST can be accepted
     */
    record StartTimes(double healthUp, double ready) {
    }

    BenchEngine(Path jar, Path dataDir, List<String> jvmOptions, boolean jfr, List<String> engineArgs) throws IOException {
        this.dataDir = dataDir;
        deleteRecursively(dataDir);
        Files.createDirectories(dataDir);
        this.log = dataDir.resolve("engine.log");
        this.httpPort = freePort();
        List<String> args = new ArrayList<>();
        args.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        args.addAll(jvmOptions);
        if (jfr) {
            args.add("-XX:FlightRecorderOptions:stackdepth=256");
            args.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + dataDir.resolve("engine.jfr").toAbsolutePath());
        }
        args.addAll(List.of("-jar", jar.toString(),
                "--server.port=" + httpPort,
                "--engine.data-dir=" + dataDir.toAbsolutePath(),
                "--engine.broker.tcp-connector=tcp://127.0.0.1:" + freePort(),
                "--engine.broker.stomp-connector=", "--engine.broker.amqp-connector="));
        args.addAll(engineArgs);
        this.command = List.copyOf(args);
        Runtime.getRuntime().addShutdownHook(new Thread(this::destroyNow, "bench-engine-cleanup"));
    }

    List<String> command() {
        return command;
    }

    /**
     * Starts the engine and waits until it is ready.
     *
     * @param needHealthUp whether ready also requires {@code /actuator/health} UP (false when a route
     *     is deliberately not started: the Camel health check then reports DOWN)
     */
    StartTimes start(Duration timeout, boolean needHealthUp) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        process = new ProcessBuilder(command).directory(dataDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        double[] healthUp = {Double.NaN};
        try {
            double ready = Awaitility.await("the engine ready").atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("engine exited with status " + process.exitValue()
                            + " before it was ready; log: " + log);
                }
                if (Double.isNaN(healthUp[0]) && healthIsUp()) {
                    healthUp[0] = (System.nanoTime() - begin) / 1e9;
                }
                return (!needHealthUp || !Double.isNaN(healthUp[0])) && providersSynced() ? (System.nanoTime() - begin) / 1e9 : null;
            }, java.util.Objects::nonNull);
            return new StartTimes(healthUp[0], ready);
        } catch (ConditionTimeoutException late) {
            destroyNow();
            throw new IllegalStateException("engine not ready within " + timeout.toSeconds() + " s; log: " + log);
        }
    }

    long pid() {
        return process.pid();
    }

    double cpuSeconds() {
        return ProcStats.cpuSeconds(process.pid());
    }

    /** Peak resident set since start (VmHWM), kB; after {@link #stop} the last value read before stopping. */
    long peakRssKb() {
        return process != null && process.isAlive() ? ProcStats.peakRssKb(process.pid()) : peakRssAtStop;
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

    /** A /v1 request with the demo tenant's three credentials. */
    static HttpRequest.Builder authenticated(URI uri) {
        return HttpRequest.newBuilder(uri).header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET)
                .header("access_token", ACCESS_TOKEN);
    }

    /** SIGTERM (graceful shutdown, as a deployment stops it); killed if that takes over 60 s. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        peakRssAtStop = ProcStats.peakRssKb(process.pid());
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            destroyNow();
            process.waitFor();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** The data directory without the broker store and the database: only engine.log (and engine.jfr) stay. */
    void deleteDataKeepLog() throws IOException {
        try (Stream<Path> children = Files.list(dataDir)) {
            for (Path p : children.toList()) {
                if (!p.equals(log) && !p.getFileName().toString().equals("engine.jfr")) {
                    deleteRecursively(p);
                }
            }
        }
    }

    private boolean healthIsUp() {
        String body = get("/actuator/health");
        try {
            return body != null && "UP".equals(JSON.readTree(body).path("status").asText());
        } catch (IOException e) {
            return false;
        }
    }

    private boolean providersSynced() {
        String body = get("/v1/providers");
        try {
            return body != null && JSON.readTree(body).path("providers").size() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = http.send(authenticated(uri(path)).timeout(Duration.ofSeconds(5)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
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

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
