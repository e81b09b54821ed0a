package org.telenc.engine.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The test sources wait for conditions and build JSON with Jackson or text blocks: no test file
 * (benchmarks, the fault suite and the tests of the example team repository under docs/examples
 * included) calls {@code Thread.sleep}, and none joins a JSON literal with values by {@code +}. A JSON literal is a string literal that holds a quoted key ({@code \":}) or
 * starts or ends a JSON object or member ({@code {\"}, {@code ,\"}, {@code \",}, {@code \"}}); joined is
 * a {@code +} right before or after it. Each offence is reported as file:line.
 */
class TestSourcesWaitAndBuildJsonTest {

    static final Pattern SLEEP = Pattern.compile("\\bThread\\s*\\.\\s*sleep\\s*\\(");
    /** A Java string literal on one line (text blocks are not string literals in this sense). */
    static final Pattern LITERAL = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    /** What marks the text of a literal as a piece of JSON, written with escaped quotes. */
    static final Pattern JSON_PIECE = Pattern.compile("\\\\\":|^\\{\\\\\"|^,\\\\\"|^\\\\\",|\\\\\"}");

    static Path testSources() {
        Path here = Path.of("").toAbsolutePath();
        while (here != null && !Files.isDirectory(here.resolve("src/test/java"))) {
            here = here.getParent();
        }
        assertThat(here).as("project root with src/test/java").isNotNull();
        return here.resolve("src/test/java");
    }

    /** The test sources of the example team repository (docs/examples), which a team copies. */
    static Path exampleSources() {
        return projectRoot().resolve("docs/examples");
    }

    static Path projectRoot() {
        return testSources().getParent().getParent().getParent();
    }

    static List<Path> javaFiles() throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path root : List.of(testSources(), exampleSources())) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(found::add);
                }
            }
        }
        return found;
    }

    /** A test source by its path in the project (src/test/java/..., docs/examples/...). */
    static String name(Path file) {
        return projectRoot().relativize(file).toString();
    }

    /** The lines of {@code source} that call Thread.sleep, as "name:line". */
    static List<String> sleeps(String name, String source) {
        List<String> found = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (SLEEP.matcher(lines[i]).find()) {
                found.add(name + ":" + (i + 1));
            }
        }
        return found;
    }

    /** The lines of {@code source} that join a JSON literal with something by +, as "name:line". */
    static List<String> jsonJoins(String name, String source) {
        List<String> found = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        boolean inTextBlock = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (countTextBlockQuotes(line) % 2 == 1) {
                inTextBlock = !inTextBlock;
                continue; // the opening or closing line of a text block
            }
            if (inTextBlock) {
                continue;
            }
            Matcher literal = LITERAL.matcher(line);
            while (literal.find()) {
                String text = literal.group().substring(1, literal.group().length() - 1);
                boolean joined = line.substring(0, literal.start()).stripTrailing().endsWith("+")
                        || line.substring(literal.end()).stripLeading().startsWith("+");
                if (joined && JSON_PIECE.matcher(text).find()) {
                    found.add(name + ":" + (i + 1));
                    break;
                }
            }
        }
        return found;
    }

    private static int countTextBlockQuotes(String line) {
        int count = 0;
        for (int at = line.indexOf("\"\"\""); at >= 0; at = line.indexOf("\"\"\"", at + 3)) {
            count++;
        }
        return count;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void noTestSourceSleeps() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : javaFiles()) {
            found.addAll(sleeps(name(file), read(file)));
        }
        assertThat(found).as("Thread.sleep in test sources: wait for the condition with Awaitility").isEmpty();
    }

    @Test
    void noTestSourceJoinsJsonByConcatenation() throws IOException {
        List<Path> files = javaFiles();
        assertThat(files).as("test sources found").hasSizeGreaterThan(100);
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            found.addAll(jsonJoins(name(file), read(file)));
        }
        assertThat(found).as("JSON built by string concatenation in test sources: use Jackson or a text block").isEmpty();
    }

    /** The checks themselves, on sources that break the rules and sources that keep them. */
    @Test
    void theChecksFindWhatTheyLookFor() {
        String q = "\"";
        String thread = "Thread";
        String sleeping = "class A {\n void f() throws Exception {\n  " + thread + ".sleep(50);\n  " + thread + " .sleep (1);\n }\n}\n";
        assertThat(sleeps("A", sleeping)).containsExactly("A:3", "A:4");
        assertThat(sleeps("B", "class B {\n // waits with await().until(...)\n long sleepTime;\n}\n")).isEmpty();

        String joined = String.join("\n",
                "String a = " + q + "{\\" + q + "patient_mrn\\" + q + ":\\" + q + q + " + mrn + " + q + "\\" + q + "}" + q + ";",
                "String b = base",
                "        + " + q + ",\\" + q + "reason\\" + q + ":\\" + q + q + " + reason;",
                "String c = " + q + "{\\" + q + "client_id\\" + q + ":" + q + " + wrong + " + q + "}" + q + ";",
                "String d = " + q + "{\\" + q + "ok\\" + q + ":true}" + q + ";",
                "String e = " + q + "W/\\" + q + q + " + version + " + q + "\\" + q + q + ";",
                "String f = " + q + "${engine.data-dir:" + q + " + dir + " + q + "}" + q + ";",
                "String g = " + q + q + q,
                "        {" + q + "text" + q + ":" + q + "%s" + q + "}" + q + q + q + ".formatted(text);",
                "String h = Json.object(" + q + "patient_mrn" + q + ", mrn);");
        assertThat(jsonJoins("J", joined)).containsExactly("J:1", "J:3", "J:4");
    }
}
