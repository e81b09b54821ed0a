package org.telenc.engine.teamroutes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telenc.engine.EngineApplication;

/**
 * The engine at the pods' heap ({@code -Xmx512m}) with team route files and reload on, in a JVM of
 * its own as {@code java -jar} runs it: it starts, serves {@code /actuator/health} UP, and built
 * the Camel YAML DSL schema validator once (start-up's check and the reload's share it).
 */
class TeamRoutesHeapTest {

    static final Pattern BUILT = Pattern.compile("Camel YAML DSL schema validator built");

    @Test
    void startsAtThePodsHeapWithReloadOnAndBuildsTheSchemaValidatorOnce(@TempDir Path dir) throws Exception {
        Path team = Files.createDirectories(dir.resolve("team-routes"));
        try (var examples = Files.list(Path.of("routes", "examples", "clinic-extensions"))) {
            for (Path example : examples.toList()) {
                Files.copy(example, team.resolve(example.getFileName()));
            }
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String name = "heap-" + UUID.randomUUID();
        Path log = Files.createDirectories(Path.of("target", "test-data")).resolve(name + ".log").toAbsolutePath();
        Process engine = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), EngineApplication.class.getName(),
                "--server.port=" + port, "--engine.data-dir=" + dir.resolve("data"),
                "--engine.broker.name=" + name, "--engine.broker.url=vm://" + name + "?create=false", "--engine.broker.tcp-connector=", "--engine.broker.stomp-connector=",
                "--engine.broker.amqp-connector=",
                "--engine.routes.extra-location=" + team, "--engine.routes.extra-reload=true",
                "--engine.routes.extra-reload-interval=200ms"))
                // in a folder of its own, as in a pod: from the project root Camel would find routes/ twice
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build();
            await("the engine at -Xmx512m answers health UP").atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofMillis(500))
                    .failFast("the engine exited; its output: " + log, () -> !engine.isAlive())
                    .ignoreExceptions().until(() -> {
                        HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
                        return answer.statusCode() == 200 && answer.body().contains("\"UP\"");
                    });
            await("reload is watching").atMost(Duration.ofSeconds(30)).until(() -> read(log).contains("team route files: watching"));
            String output = read(log);
            assertThat(output).doesNotContain("OutOfMemoryError");
            Matcher built = BUILT.matcher(output);
            int times = 0;
            while (built.find()) {
                times++;
            }
            assertThat(times).as("schema validators built (start-up's check and reload share one)").isEqualTo(1);
        } finally {
            engine.destroy();
            if (!engine.waitFor(60, TimeUnit.SECONDS)) {
                engine.destroyForcibly();
            }
        }
    }

    static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.ISO_8859_1);
    }
}
