package org.telenc.engine.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands work on a fresh machine (an empty ~/.m2): nothing forces Maven offline
 * unless the user asks. {@code scripts/benchmark.sh} is run for real by bash, in a copy of the
 * project layout, with stand-ins for {@code mvn} and {@code java} on the PATH that record their
 * arguments (so no build and no benchmark runs here).
 */
class BenchmarkScriptTest {

    static Path root;

    @BeforeAll
    static void projectRoot() {
        root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("scripts/benchmark.sh"))) {
            root = root.getParent();
        }
        assertThat(root).as("project root with scripts/benchmark.sh").isNotNull();
    }

    @Test
    void theBenchmarkRunsMavenOnlineByDefault(@TempDir Path dir) throws Exception {
        List<List<String>> mvn = run(dir, Map.of());
        assertThat(mvn).as("mvn calls: package, then dependency:build-classpath").hasSize(2);
        assertThat(mvn.get(0)).contains("package");
        assertThat(mvn.get(1)).anySatisfy(a -> assertThat(a).startsWith("dependency:build-classpath"));
        assertThat(mvn).allSatisfy(args -> assertThat(args).as("a fresh ~/.m2 must be able to fetch")
                .doesNotContain("-o", "--offline"));
        assertThat(Files.readString(dir.resolve("java.args"))).contains("org.telenc.engine.bench.Benchmark", "--quick");
    }

    @Test
    void offlineOnlyWhenTheUserAsks(@TempDir Path dir) throws Exception {
        List<List<String>> mvn = run(dir, Map.of("MAVEN_OFFLINE", "1"));
        assertThat(mvn).hasSize(2).allSatisfy(args -> assertThat(args).contains("-o"));
    }

    /**
     * Every mvn command the README and docs/ show runs online (no -o / --offline): a fresh clone on a
     * fresh machine types them as written.
     */
    @Test
    void noDocumentedCommandForcesMavenOffline() throws IOException {
        List<String> mvnLines = new ArrayList<>();
        List<Path> documents = new ArrayList<>(List.of(root.resolve("README.md")));
        try (var docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        for (Path document : documents) {
            String text = Files.readString(document);
            Matcher blocks = Pattern.compile("(?s)```[a-z]*\\n(.*?)```").matcher(text);
            while (blocks.find()) {
                blocks.group(1).lines().filter(l -> l.matches(".*\\bmvn\\b.*")).forEach(mvnLines::add);
            }
            Matcher inline = Pattern.compile("`(mvn [^`]*)`").matcher(text);
            while (inline.find()) {
                mvnLines.add(inline.group(1));
            }
        }
        assertThat(mvnLines).as("mvn commands in the README and docs/").hasSizeGreaterThan(3);
        assertThat(mvnLines).allSatisfy(line -> assertThat(Arrays.asList(line.split("\\s+")))
                .as(line).doesNotContain("-o", "--offline"));
    }

    /** Runs scripts/benchmark.sh in a copy of the layout; returns the argument lists of its mvn calls. */
    static List<List<String>> run(Path dir, Map<String, String> env) throws Exception {
        Path project = dir.resolve("project");
        Files.createDirectories(project.resolve("scripts"));
        Files.copy(root.resolve("scripts/benchmark.sh"), project.resolve("scripts/benchmark.sh"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Files.createDirectories(project.resolve("target/test-classes/org/telenc/engine/bench"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        // mvn: one line of arguments per call (NUL-separated), and the classpath file it is asked for
        stub(bin.resolve("mvn"), """
                #!/usr/bin/env bash
                printf '%%s\\0' "$@" >> '%s'; printf '\\n' >> '%s'
                for a in "$@"; do case "$a" in -Dmdep.outputFile=*) echo /nothing.jar > "${a#-Dmdep.outputFile=}" ;; esac; done
                """.formatted(dir.resolve("mvn.args"), dir.resolve("mvn.args")));
        stub(bin.resolve("java"), """
                #!/usr/bin/env bash
                echo "$@" > '%s'
                """.formatted(dir.resolve("java.args")));
        ProcessBuilder builder = new ProcessBuilder("bash", project.resolve("scripts/benchmark.sh").toString(), "--quick")
                .redirectErrorStream(true);
        builder.environment().remove("MAVEN_OFFLINE");
        builder.environment().putAll(env);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("benchmark.sh with stand-ins finishes").isTrue();
        assertThat(process.exitValue()).as("benchmark.sh exit status; output:\n" + out).isZero();
        List<List<String>> calls = new ArrayList<>();
        for (String line : Files.readString(dir.resolve("mvn.args")).split("\n")) {
            if (!line.isEmpty()) {
                calls.add(Arrays.asList(line.split("\0")));
            }
        }
        return calls;
    }

    static void stub(Path file, String script) throws IOException {
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
