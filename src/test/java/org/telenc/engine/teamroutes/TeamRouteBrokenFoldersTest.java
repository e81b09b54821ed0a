package org.telenc.engine.teamroutes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One broken team folder per class of problem the check command finds before anything runs
 * (src/test/resources/team-routes-broken/&lt;class&gt;/): an unknown component, data format or expression
 * language (named with the jar to add), a mapping of the emr.rest beans or a {@code jsonpath} expression that
 * is not a valid JsonPath (the old dotted field paths among them, with their JsonPath spelling), a bean method that
 * does not exist or takes fewer arguments, a bean that does not exist (step, method expression,
 * Simple {@code ${bean:...}}), a {@code direct:} endpoint no route consumes, a placeholder without a
 * value, an id the engine's or another team file's, and a value of the wrong type (one line, not
 * one per schema branch). Each folder's {@code expected.txt} is every problem the check reports,
 * {@code file:line:column: what is wrong; what to do}, in order, nothing more.
 */
class TeamRouteBrokenFoldersTest {

    static TeamRouteFolder checks;
    static Path broken;

    @BeforeAll
    static void builtIn() throws URISyntaxException {
        checks = TeamRouteFolder.withBuiltInRoutesOf(TeamRouteBrokenFoldersTest.class.getClassLoader());
        broken = Path.of(TeamRouteBrokenFoldersTest.class.getClassLoader().getResource("team-routes-broken").toURI());
    }

    static Stream<String> classes() throws IOException, URISyntaxException {
        builtIn();
        try (Stream<Path> folders = Files.list(broken)) {
            return folders.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("classes")
    void eachBrokenFolderGivesExactlyItsExpectedProblems(String problemClass) throws IOException {
        Path folder = broken.resolve(problemClass);
        List<String> expected = Files.readAllLines(folder.resolve("expected.txt"), StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank()).toList();
        TeamRouteFolder.Scan scan = checks.check(folder);
        assertThat(scan.problems()).extracting(TeamRouteFolder.Problem::toString).containsExactlyElementsOf(expected);
    }

    @Test
    void everyClassOfProblemHasItsFolder() throws IOException, URISyntaxException {
        assertThat(classes().toList()).contains("unknown-component", "bean-method", "bean-arguments", "unknown-bean",
                "simple-bean", "direct-target", "placeholder", "duplicate-id", "schema-boolean", "unknown-data-format",
                "unknown-language", "mapping-syntax");
    }

    @Test
    void theExampleTeamFoldersPassEveryCheck() {
        for (String example : List.of("clinic-extensions", "patient-cases-emr")) {
            TeamRouteFolder.Scan scan = checks.check(Path.of("routes", "examples", example));
            assertThat(scan.problems()).as(example).isEmpty();
        }
    }
}
