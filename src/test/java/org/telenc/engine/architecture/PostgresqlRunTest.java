package org.telenc.engine.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL run (CI's second surefire execution, {@code -Dengine.test.database=postgresql})
 * repeats only the test classes tagged {@code database}: a class that never reaches
 * {@code TestDatabase} runs the same code on either run, so repeating it costs CI minutes and
 * tests nothing new. This keeps the tag honest: every test class that uses {@code TestDatabase}
 * either extends {@code EngineTest} (tagged there, and inherited) or carries the tag itself, so no
 * database test silently drops out of the PostgreSQL run.
 */
class PostgresqlRunTest {

    @Test
    void everyTestOnTheEnginesDatabaseIsInThePostgresqlRun() throws IOException {
        Path sources = TestSourcesWaitAndBuildJsonTest.testSources();
        List<String> untagged = new ArrayList<>();
        int tagged = 0;
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith("Test.java")).sorted().toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (!text.contains("TestDatabase")) {
                    continue;
                }
                if (text.contains("extends EngineTest") || text.contains("@Tag(\"database\")")) {
                    tagged++;
                } else {
                    untagged.add(sources.relativize(file).toString());
                }
            }
        }
        assertThat(untagged).as("test classes on TestDatabase without @Tag(\"database\"): the PostgreSQL run would skip them")
                .isEmpty();
        assertThat(tagged).as("tagged classes that use TestDatabase directly").isGreaterThanOrEqualTo(2);
        String engineTest = Files.readString(sources.resolve("org/telenc/engine/support/EngineTest.java"), StandardCharsets.UTF_8);
        assertThat(engineTest).as("EngineTest carries the tag its subclasses inherit").contains("@Tag(\"database\")");
        String pom = Files.readString(sources.getParent().getParent().getParent().resolve("pom.xml"), StandardCharsets.UTF_8);
        assertThat(pom).as("the PostgreSQL execution selects the tag").contains("<groups>database</groups>");
    }
}
