package org.telenc.engine.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The sandbox EMR alone as its own OS process, from the engine's jar
 * ({@code org.telenc.engine.sandbox.SandboxEmrApplication} through Spring Boot's
 * {@code PropertiesLauncher}, as docs/operating.md shows), on a free loopback port, so that its CPU is
 * measured apart from the engine's. A JVM shutdown hook kills it if the benchmark exits first.
 */
final class SandboxEmrProcess implements AutoCloseable {

    static final String MAIN = "org.telenc.engine.sandbox.SandboxEmrApplication";
    static final String LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";
    static final String BASE_PATH = "/sandbox/fhir/r4";

    private final int port = BenchEngine.freePort();
    private final List<String> command;
    private final Path log;
    private final Path dir;
    private Process process;

    SandboxEmrProcess(Path jar, Path dir, List<String> jvmOptions, List<String> sandboxArgs) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.log = dir.resolve("sandbox-emr.log");
        List<String> args = new ArrayList<>();
        args.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        args.addAll(jvmOptions);
        args.addAll(List.of("-Dloader.main=" + MAIN, "-cp", jar.toString(), LAUNCHER, "--server.port=" + port));
        args.addAll(sandboxArgs);
        this.command = List.copyOf(args);
        Runtime.getRuntime().addShutdownHook(new Thread(this::destroyNow, "bench-sandbox-cleanup"));
    }

    List<String> command() {
        return command;
    }

    /** Starts it and waits until its CapabilityStatement answers; seconds from the process start. */
    double start(Duration timeout) throws IOException {
        long begin = System.nanoTime();
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            Awaitility.await("the sandbox EMR up").atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("sandbox EMR exited with status " + process.exitValue() + "; log: " + log);
                }
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/metadata")).timeout(Duration.ofSeconds(5))
                            .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (ConditionTimeoutException late) {
            destroyNow();
            throw new IllegalStateException("sandbox EMR not up within " + timeout.toSeconds() + " s; log: " + log);
        }
        return (System.nanoTime() - begin) / 1e9;
    }

    /** The FHIR base URL to give the engine ({@code engine.demo.emr-base-url}). */
    String baseUrl() {
        return "http://127.0.0.1:" + port + BASE_PATH;
    }

    long pid() {
        return process.pid();
    }

    long peakRssKb() {
        return process != null && process.isAlive() ? ProcStats.peakRssKb(process.pid()) : -1;
    }

    @Override
    public void close() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            destroyNow();
            process.waitFor();
        }
    }

    private void destroyNow() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
    }
}
