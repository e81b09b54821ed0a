package org.telenc.engine.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The job core serves every kind and knows none: no class of org.telenc.engine.job names the
 * encounter, action or intake packages, so a third kind is added beside it, not into it.
 */
class JobCoreImportsNoKindTest {

    private static final Path CORE = Path.of("src/main/java/org/telenc/engine/job");

    @Test
    void theCoreImportsNoJobKind() throws IOException {
        List<String> offending;
        try (Stream<Path> files = Files.list(CORE)) {
            offending = files.filter(p -> p.toString().endsWith(".java")).flatMap(JobCoreImportsNoKindTest::lines)
                    .filter(line -> line.matches(".*: import (static )?org\\.telenc\\.engine\\.(encounter|action|intake)\\..*"))
                    .toList();
        }
        assertThat(offending).isEmpty();
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().map(line -> file.getFileName() + ": " + line.strip());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
