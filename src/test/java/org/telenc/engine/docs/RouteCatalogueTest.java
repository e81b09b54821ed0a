package org.telenc.engine.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The route catalogue of docs/route-authoring.md names exactly the route files under routes/: a file added, renamed
 * or removed without its catalogue row (or a row for a file that is gone) fails here. Plain JUnit.
 */
class RouteCatalogueTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    static final String CATALOGUE = "docs/route-authoring.md";
    private static final Pattern ROUTE_FILE = Pattern.compile("`(routes/[^`\\s]+\\.camel\\.yaml)`");

    @Test
    void theCatalogueNamesEveryRouteFileAndNoOther() throws IOException {
        Set<String> catalogued = catalogued(Files.readString(ROOT.resolve(CATALOGUE)));
        Set<String> files = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(ROOT.resolve("routes"))) {
            walk.filter(p -> p.getFileName().toString().endsWith(".camel.yaml"))
                    .forEach(p -> files.add(ROOT.relativize(p).toString().replace('\\', '/')));
        }
        assertThat(files).as("route files under routes/").isNotEmpty();
        assertThat(catalogued).as("route files the route catalogue of " + CATALOGUE + " names").containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void theCatalogueIsReadFromItsOwnSectionOnly() {
        String readme = """
                # Engine
                See `routes/elsewhere.camel.yaml`.
                ## Route catalogue
                | route id | file | purpose |
                |---|---|---|
                | `a` | `routes/api/a.camel.yaml`, `routes/flows/b.camel.yaml` | x |
                | `c` | same | y |
                ## Configuration keys
                | `routes/not-here.camel.yaml` | |
                """;
        assertThat(catalogued(readme)).containsExactlyInAnyOrder("routes/api/a.camel.yaml", "routes/flows/b.camel.yaml");
    }

    /** The route files named in the rows of a document's "Route catalogue" section. */
    static Set<String> catalogued(String document) {
        Set<String> names = new TreeSet<>();
        boolean inSection = false;
        for (String line : document.split("\n")) {
            if (line.startsWith("## ")) {
                inSection = line.substring(3).strip().equalsIgnoreCase("Route catalogue");
                continue;
            }
            if (inSection && line.startsWith("|")) {
                Matcher file = ROUTE_FILE.matcher(line);
                while (file.find()) {
                    names.add(file.group(1));
                }
            }
        }
        assertThat(names).as(CATALOGUE + " has a \"## Route catalogue\" table naming route files").isNotEmpty();
        return names;
    }
}
