package org.telenc.engine.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Comments and docs say what is in the repository: no file of the source, routes, docs, build,
 * manifests or scripts points a reader at a document a clone does not have (the notes it was
 * written from, by name or section number; a ticket by number; the place the build was made).
 * A reference names the repository's own docs instead (docs/api.md "Idempotency-Key"). Plain JUnit.
 *
 * <p>Left out: applied Flyway migrations (Flyway checksums their text, comments included, so
 * editing one would stop every database it was applied to), and this file, whose examples the
 * check must find.
 */
class OutsideReferencesTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();

    /** Where a reader of the repository meets comments and prose. */
    static final List<String> SCANNED = List.of("src", "routes", "docs", "k8s", "scripts", ".ci", "README.md",
            "pom.xml", "Dockerfile");

    /** Applied migrations: checksummed by Flyway, never edited. */
    static final String APPLIED_MIGRATIONS = "src/main/resources/db/migration/";

    /** This file: its fixture holds one example of each reference. */
    static final String SELF = "src/test/java/org/telenc/engine/docs/OutsideReferencesTest.java";

    private static final Set<String> TEXT = Set.of("java", "yaml", "yml", "json", "md", "sql", "xml", "sh",
            "properties", "txt", "html", "conf");

    /** What only the notes outside the repository resolve; each spelled so that it does not match itself. */
    static final Pattern OUTSIDE = Pattern.compile(String.join("|",
            "\\bcontract\\s+(section\\s+|sections\\s+|table\\s+)?[0-9§]",
            "\\bsection\\s+[0-9]+\\s+of\\s+the\\s+contract",
            "\\bcontract\\.md\\b",
            "\\barchitecture\\s+(section|§)",
            "\\barchitecture\\.md\\b",
            "\\bissues?\\s+#?[0-9]+",
            "\\bthis\\s+workplace",
            "\\bthe\\s+brief\\b",
            "\\bthe\\s+issue('s)?\\b"), Pattern.CASE_INSENSITIVE);

    @Test
    void nothingPointsAtADocumentOutsideTheRepository() throws IOException {
        List<String> found = new ArrayList<>();
        for (String entry : SCANNED) {
            Path start = ROOT.resolve(entry);
            if (!Files.exists(start)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(start)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    String name = ROOT.relativize(file).toString().replace('\\', '/');
                    if (!name.startsWith(APPLIED_MIGRATIONS) && !name.equals(SELF) && isText(file)) {
                        found.addAll(references(name, file));
                    }
                }
            }
        }
        assertThat(found).as("references to documents a clone does not have (name the repository's docs instead)")
                .isEmpty();
    }

    @Test
    void theCheckFindsEachKindOfOutsideReference(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("Some.java");
        Files.writeString(file, String.join("\n",
                "/** Contract 2.7: signed. */",
                "// as contract section 3 says",
                "// the order of contract table 2.1",
                "// Section 1 of the contract: credentials",
                "// (see contract.md)",
                "// architecture section 2",
                "// Issue 11 item 8",
                "// not in this workplace's copy",
                "// the columns the brief asks for",
                "// the issue's targets",
                "// docs/api.md \"Idempotency-Key\", the operation contract of an adapter, issued at start,",
                "// RouteBeanContractTest, the contract's error body, architectureTest"));
        List<String> found = references("Some.java", file);
        assertThat(found).hasSize(10);
        assertThat(found.get(0)).startsWith("Some.java:1: ");
        assertThat(found).noneMatch(line -> line.startsWith("Some.java:11:") || line.startsWith("Some.java:12:"));
    }

    static List<String> references(String name, Path file) throws IOException {
        List<String> found = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException notText) {
            return found;
        }
        for (int i = 0; i < lines.size(); i++) {
            if (OUTSIDE.matcher(lines.get(i)).find()) {
                found.add(name + ":" + (i + 1) + ": " + lines.get(i).strip());
            }
        }
        return found;
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? !Files.isExecutable(file) || name.equals("run") : TEXT.contains(name.substring(dot + 1));
    }
}
