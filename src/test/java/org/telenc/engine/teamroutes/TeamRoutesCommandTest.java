package org.telenc.engine.teamroutes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.telenc.engine.EngineApplication;

/**
 * The engine's own main class in a JVM of its own (as {@code java -jar} runs it): the check command
 * {@code --engine.routes.check=<folder>} prints the problems and exits 1, or a summary and 0,
 * without starting anything. An engine (in this JVM, as main() starts it) on a folder that fails the
 * checks stops before Camel starts a route, with every problem in one message, and so does one
 * pointed at a folder that is not there.
 */
class TeamRoutesCommandTest {

    record Run(int exit, String output) {
    }

    static Run engine(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EngineApplication.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    static Path folder(Path dir, String file, String text) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("team-routes"));
        Files.writeString(folder.resolve(file), text);
        return folder;
    }

    static final String VALID = """
            - route:
                id: clinic-a-hello
                from:
                  uri: direct:clinic-a-hello
                  steps:
                    - setBody:
                        constant: hello
            """;

    static final String OWNED = """
            - route:
                id: clinic-a-hello
                from:
                  uri: direct:clinic-a-hello
                  steps:
                    - log: Patient Jane Doe
            - route:
                id: encounter-finish
                from:
                  uri: direct:mine
                  steps:
                    - log: mine
            """;

    @Test
    void theCheckCommandAcceptsAValidFolder(@TempDir Path dir) throws Exception {
        Run run = engine("--engine.routes.check=" + folder(dir, "clinic-a.camel.yaml", VALID));
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("accepted: 1 files, 1 definitions (route clinic-a-hello)")
                .doesNotContain("Started", "Camel");
    }

    @Test
    void theCheckCommandPrintsEveryProblemAndFails(@TempDir Path dir) throws Exception {
        Path folder = folder(dir, "clinic-a.camel.yaml", OWNED);
        Files.writeString(folder.resolve("clinic-b.camel.yaml"), "- route:\n    from:\n      uri: direct:b\n      steps:\n        - toh: x\n");
        Run run = engine("--engine.routes.check=" + folder);
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("team-routes/clinic-a.camel.yaml:8:9: route id 'encounter-finish' belongs to the engine; "
                        + "use an extension point (docs/route-authoring.md \"Extension points\")")
                .contains("team-routes/clinic-b.camel.yaml:2:5: route without an id")
                .contains("team-routes/clinic-b.camel.yaml:5:")
                .doesNotContain("Jane");
        Run missing = engine("--engine.routes.check=" + dir.resolve("nowhere"));
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.output()).contains(dir.resolve("nowhere") + ": no such folder");
    }

    /** The whole engine (own data directory and broker, no connectors), started as main() starts it, in this JVM. */
    static Throwable startEngine(String location) {
        String name = "team-routes-refused-" + UUID.randomUUID();
        String data = Path.of("target", "test-data", name).toAbsolutePath().toString();
        try (var engine = new SpringApplicationBuilder(EngineApplication.class).run("--server.port=0", "--engine.data-dir=" + data,
                "--engine.broker.name=" + name, "--engine.broker.url=vm://" + name + "?create=false",
                "--engine.broker.tcp-connector=", "--engine.broker.stomp-connector=", "--engine.broker.amqp-connector=",
                "--engine.routes.extra-location=" + location)) {
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    @Test
    void anEngineOnAFolderThatFailsTheChecksDoesNotStart(@TempDir Path dir) throws Exception {
        Throwable refused = startEngine(folder(dir, "clinic-a.camel.yaml", OWNED).toString());
        assertThat(refused).as("the engine did not start").isNotNull();
        Throwable cause = refused;
        while (cause != null && !(cause instanceof TeamRoutesStartup.TeamRoutesRefusedException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("refused for its team route files: " + refused).isNotNull();
        assertThat(cause.getMessage()).isEqualTo("team route files in " + dir.resolve("team-routes").toAbsolutePath()
                + " refused (1 problem):\n  team-routes/clinic-a.camel.yaml:8:9: route id 'encounter-finish' belongs to the engine; "
                + "use an extension point (docs/route-authoring.md \"Extension points\")");

        Throwable none = startEngine(dir.resolve("nowhere").toString());
        assertThat(none).as("the engine did not start").isNotNull();
        assertThat(none).hasStackTraceContaining(dir.resolve("nowhere") + ": no such folder");
    }
}
