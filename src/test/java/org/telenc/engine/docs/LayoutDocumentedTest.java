package org.telenc.engine.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The layout table of docs/design.md names exactly the engine's top-level packages, as the tree has them. */
class LayoutDocumentedTest {

    static final Path MAIN = Path.of("src/main/java/org/telenc/engine");

    @Test
    void theLayoutNamesEveryTopLevelPackageAndNoOther() throws Exception {
        Set<String> tree = new TreeSet<>();
        try (Stream<Path> children = Files.list(MAIN)) {
            children.filter(Files::isDirectory).forEach(p -> tree.add(p.getFileName().toString()));
        }
        String design = Files.readString(Path.of("docs/design.md"), StandardCharsets.UTF_8);
        int start = design.indexOf("\n## Layout\n");
        assertThat(start).as("docs/design.md has a Layout section").isPositive();
        int end = design.indexOf("\n## ", start + 5);
        String layout = design.substring(start, end < 0 ? design.length() : end);
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("`src/main/java/org/telenc/engine/([a-z]+)`").matcher(layout);
        while (row.find()) {
            documented.add(row.group(1));
        }
        assertThat(documented).isEqualTo(tree);
    }
}
