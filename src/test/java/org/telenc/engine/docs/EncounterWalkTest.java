package org.telenc.engine.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The walk of docs/route-authoring.md ("One encounter, file by file") names every route file the
 * engine loads exactly once, and its numbered steps go from the REST verb that takes the POST to
 * the route that delivers the webhook. A route file added, renamed or removed without the walk
 * following fails here. Plain JUnit.
 */
class EncounterWalkTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String HEADING = "## One encounter, file by file";
    private static final Pattern ROUTE_FILE = Pattern.compile("`(routes/[^`\\s]+\\.camel\\.yaml)`");
    private static final Pattern STEP = Pattern.compile("^\\d+\\. `(routes/[^`\\s]+\\.camel\\.yaml)`");

    @Test
    void theWalkNamesEveryLoadedRouteFileOnceFromPostToWebhook() throws IOException {
        String walk = section(Files.readString(ROOT.resolve(RouteCatalogueTest.CATALOGUE)));
        Set<String> loaded = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("routes"))) {
            files.filter(p -> p.getFileName().toString().endsWith(".camel.yaml"))
                    .map(p -> ROOT.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith("routes/examples/"))
                    .forEach(loaded::add);
        }
        List<String> named = named(walk);
        assertThat(named).as("route files the walk names, each once").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(loaded);
        List<String> steps = steps(walk);
        assertThat(steps).as("the walk's numbered steps").hasSizeGreaterThan(2);
        assertThat(steps.get(0)).as("the first step takes the POST").isEqualTo("routes/api/telephone-encounters.camel.yaml");
        assertThat(steps.get(steps.size() - 1)).as("the last step delivers the webhook").isEqualTo("routes/flows/deliver.camel.yaml");
    }

    @Test
    void aFileNamedTwiceOrOutsideTheSectionIsSeen() {
        String doc = """
                # Route authoring
                `routes/api/elsewhere.camel.yaml`
                ## One encounter, file by file
                1. `routes/api/a.camel.yaml`: the verb, then `routes/flows/b.camel.yaml`.
                2. `routes/flows/c.camel.yaml`: delivers
                - `routes/api/a.camel.yaml` again
                ## Route catalogue
                `routes/flows/not-here.camel.yaml`
                """;
        String walk = section(doc);
        assertThat(named(walk)).containsExactly("routes/api/a.camel.yaml", "routes/flows/b.camel.yaml",
                "routes/flows/c.camel.yaml", "routes/api/a.camel.yaml");
        assertThat(steps(walk)).containsExactly("routes/api/a.camel.yaml", "routes/flows/c.camel.yaml");
    }

    static String section(String document) {
        int start = document.indexOf("\n" + HEADING + "\n");
        assertThat(start).as("the document has a section \"" + HEADING + "\"").isNotNegative();
        int end = document.indexOf("\n## ", start + HEADING.length());
        return document.substring(start, end < 0 ? document.length() : end);
    }

    static List<String> named(String walk) {
        List<String> names = new ArrayList<>();
        Matcher file = ROUTE_FILE.matcher(walk);
        while (file.find()) {
            names.add(file.group(1));
        }
        return names;
    }

    static List<String> steps(String walk) {
        List<String> steps = new ArrayList<>();
        for (String line : walk.split("\n")) {
            Matcher step = STEP.matcher(line.strip());
            if (step.find()) {
                steps.add(step.group(1));
            }
        }
        return steps;
    }
}
