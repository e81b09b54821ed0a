package org.telenc.engine.teamroutes;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A component the engine's jar does not ship, from the folder of extra jars: the packaged jar, run
 * as {@code java -Dloader.path=<folder> -jar} in a process of its own (its PropertiesLauncher adds
 * the folder's jars to the class path), with camel-hl7 and the HAPI HL7 v2 jars in the folder
 * (target/extra-jars/hl7, copied by maven-dependency-plugin; the engine's jar has none of them).
 * A team route parses an HL7 v2.5 message with the {@code hl7} data format, reads its trigger with
 * the {@code hl7terser} language, encodes it again and posts it to a real HTTP receiver here. The
 * check command accepts the folder (the component, the data format and the language all found in it), the engine runs the route at start-up and again after a reload
 * adds a second file; with an empty folder of extra jars the check command and the engine's start
 * both refuse, naming the file, the line and the folder setting.
 */
class ExtraJarsIT {

    static Path jar;
    static Path hl7Jars;

    final Map<String, String> received = new ConcurrentHashMap<>();
    HttpServer receiver;
    Process engine;

    @BeforeAll
    static void jars() throws IOException {
        jar = Path.of(System.getProperty("engine.jar", "target/telephone-encounter-engine-0.1.0-SNAPSHOT.jar")).toAbsolutePath();
        hl7Jars = jar.getParent().resolve("extra-jars/hl7");
        assertThat(jar).as("the packaged engine (mvn package)").isRegularFile();
        try (var files = Files.list(hl7Jars)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .as("the folder of extra jars (maven-dependency-plugin, execution extra-jars-hl7)")
                    .anyMatch(f -> f.startsWith("camel-hl7-")).anyMatch(f -> f.startsWith("hapi-structures-v25-"));
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (engine != null && engine.isAlive()) {
            engine.destroy();
            if (!engine.waitFor(60, TimeUnit.SECONDS)) {
                engine.destroyForcibly().waitFor();
            }
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    /** One route: an HL7 v2.5 message of {@code trigger}, parsed, its trigger read back by the terser, encoded and posted. */
    static String hl7Route(String id, String trigger, String controlId) {
        return """
                - route:
                    id: %1$s
                    description: builds one HL7 v2.5 ADT^%2$s and posts it, ER7-encoded, to the clinic's HL7 receiver
                    from:
                      uri: timer:%1$s
                      parameters:
                        repeatCount: 1
                      steps:
                        - setBody:
                            constant: "MSH|^~\\\\&|TELENC|ENGINE|CLINIC|HIS|20261207120000||ADT^%2$s|%3$s|P|2.5\\rEVN|%2$s|20261207120000\\rPID|1||T-1||Test^Patient\\r"
                        - unmarshal:
                            id: %1$s-parse
                            hl7: {}
                        - setHeader:
                            name: X-Hl7-Trigger
                            hl7terser:
                              expression: MSH-9-2
                        - marshal:
                            id: %1$s-encode
                            hl7: {}
                        - setHeader:
                            name: CamelHttpMethod
                            constant: POST
                        - setHeader:
                            name: Content-Type
                            constant: application/hl7-v2
                        - to:
                            id: %1$s-post
                            description: the clinic's HL7 receiver
                            uri: "{{team.hl7.receiver:http://127.0.0.1:9/hl7}}"
                """.formatted(id, trigger, controlId);
    }

    static Path teamFolder(Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("team-routes"));
        Files.writeString(folder.resolve("hl7-admit.camel.yaml"), hl7Route("team-hl7-admit", "A01", "MSG-A01"));
        return folder;
    }

    List<String> java(Path extraJars, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dloader.path=" + extraJars, "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    record Run(int exit, String output) {
    }

    Run run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("LOADER_PATH");
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    @Test
    void theCheckCommandSeesTheFolderOfExtraJars(@TempDir Path dir) throws Exception {
        Path folder = teamFolder(dir);
        Run with = run(java(hl7Jars, "--engine.routes.check=" + folder));
        assertThat(with.exit()).as(with.output()).isZero();
        assertThat(with.output()).contains("accepted: 1 files, 1 definitions (route team-hl7-admit)");

        Path empty = Files.createDirectories(dir.resolve("no-jars"));
        Run without = run(java(empty, "--engine.routes.check=" + folder));
        assertThat(without.exit()).as(without.output()).isEqualTo(1);
        String what = ": unknown data format 'hl7' (no such Camel data format on the class path); correct the name, or put "
                + "the data format's jars in the folder of extra jars (loader.path / LOADER_PATH: " + empty + ")";
        assertThat(without.output()).contains("team route files in " + folder + " refused (3 problems):",
                "team-routes/hl7-admit.camel.yaml:13:18" + what, "team-routes/hl7-admit.camel.yaml:20:18" + what,
                "team-routes/hl7-admit.camel.yaml:17:15: unknown expression language 'hl7terser' (no such Camel language on the"
                        + " class path); correct the language, or put org.apache.camel:camel-hl7:",
                " and its dependencies in the folder of extra jars (loader.path / LOADER_PATH: " + empty + ")");
    }

    @Test
    void theEngineRunsTheComponentAtStartAndAfterAReloadAndRefusesToStartWithoutIt(@TempDir Path dir) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hl7", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.put(exchange.getRequestHeaders().getFirst("X-Hl7-Trigger") + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type"), body);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        Path folder = teamFolder(dir);
        String receiverUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hl7";

        // without the jars: the start is refused, naming the file and the folder setting
        Path empty = Files.createDirectories(dir.resolve("no-jars"));
        Run refused = run(java(empty, engineArgs(dir.resolve("refused"), folder, receiverUrl)));
        assertThat(refused.exit()).as("the engine refuses to start").isNotZero();
        assertThat(refused.output()).contains("team-routes/hl7-admit.camel.yaml:13:18: unknown data format 'hl7'",
                "(loader.path / LOADER_PATH: " + empty + ")");
        assertThat(received).isEmpty();

        // with them: the route runs at start-up
        Path log = dir.resolve("engine.log");
        ProcessBuilder builder = new ProcessBuilder(java(hl7Jars, engineArgs(dir.resolve("data"), folder, receiverUrl)))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("LOADER_PATH");
        engine = builder.start();
        awaitMessage("A01", "MSG-A01", log);

        // a file added while it runs: reload finds the component too
        Files.writeString(folder.resolve("hl7-update.camel.yaml"), hl7Route("team-hl7-update", "A08", "MSG-A08"));
        awaitMessage("A08", "MSG-A08", log);
        assertThat(Files.readString(log)).contains("team route files: loaded 1 files").doesNotContain("change refused");
    }

    void awaitMessage(String trigger, String controlId, Path log) {
        Awaitility.await("the HL7 " + trigger + " message posted by the team route (engine log " + log + ")")
                .atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    assertThat(engine.isAlive()).as("the engine runs (log " + log + ")").isTrue();
                    return received.containsKey(trigger + " application/hl7-v2");
                });
        String message = received.get(trigger + " application/hl7-v2");
        assertThat(message.split("\r")).as("ER7 segments, carriage-return separated")
                .containsExactly("MSH|^~\\&|TELENC|ENGINE|CLINIC|HIS|20261207120000||ADT^" + trigger + "|" + controlId + "|P|2.5",
                        "EVN|" + trigger + "|20261207120000", "PID|1||T-1||Test^Patient");
    }

    static String[] engineArgs(Path data, Path folder, String receiverUrl) throws IOException {
        return new String[] {
            "--server.port=" + freePort(),
            "--engine.data-dir=" + data,
            "--engine.broker.tcp-connector=tcp://127.0.0.1:" + freePort(),
            "--engine.broker.stomp-connector=",
            "--engine.broker.amqp-connector=",
            "--engine.routes.extra-location=" + folder,
            "--engine.routes.extra-reload=true",
            "--engine.routes.extra-reload-interval=1s",
            "--team.hl7.receiver=" + receiverUrl,
        };
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
