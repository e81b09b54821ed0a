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
import org.telenc.engine.EngineApplication;

/**
 * The engine's own main class in a JVM of its own (as {@code java -jar} runs it): the check command
 * {@code --engine.routes.check=<folder>} prints the problems and exits 1, or a summary and 0,
 * without starting anything; an engine started on a folder that fails the checks stops before
 * Camel with every problem in one message, and so does one pointed at a folder that is not there.
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
                        + "use an extension point (README \"Customizing the engine\")")
                .contains("team-routes/clinic-b.camel.yaml:2:5: route without an id")
                .contains("team-routes/clinic-b.camel.yaml:5:")
                .doesNotContain("Jane");
        Run missing = engine("--engine.routes.check=" + dir.resolve("nowhere"));
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.output()).contains(dir.resolve("nowhere") + ": no such folder");
    }

    @Test
    void anEngineOnAFolderThatFailsTheChecksDoesNotStart(@TempDir Path dir) throws Exception {
        String data = Path.of("target", "test-data", "team-routes-refused-" + UUID.randomUUID()).toAbsolutePath().toString();
        String[] engineArgs = {"--server.port=0", "--engine.data-dir=" + data, "--engine.broker.name=team-routes-refused",
                "--engine.broker.tcp-connector=", "--engine.broker.stomp-connector=", "--engine.broker.amqp-connector="};
        List<String> bad = new ArrayList<>(List.of(engineArgs));
        bad.add("--engine.routes.extra-location=" + folder(dir, "clinic-a.camel.yaml", OWNED));
        Run run = engine(bad.toArray(String[]::new));
        assertThat(run.exit()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("team route files in " + dir.resolve("team-routes").toAbsolutePath() + " refused (1 problem):")
                .contains("team-routes/clinic-a.camel.yaml:8:9: route id 'encounter-finish' belongs to the engine")
                .doesNotContain("Started EngineApplication", "Jane");
        assertThat(Path.of(data)).as("nothing started: no data directory").doesNotExist();

        List<String> missing = new ArrayList<>(List.of(engineArgs));
        missing.add("--engine.routes.extra-location=" + dir.resolve("nowhere"));
        Run none = engine(missing.toArray(String[]::new));
        assertThat(none.exit()).isNotZero();
        assertThat(none.output()).contains(dir.resolve("nowhere") + ": no such folder");
    }
}
