package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telenc.engine.teamroutes.YamlDslSchema;

/**
 * Every route file ({@code routes/**}{@code /*.camel.yaml}) is valid against the Camel YAML DSL
 * schema of the Camel version on the classpath (the pom's), the schema Kaoto and the IDE plugins
 * open route files with. Camel's own loader is more lenient (it takes {@code "3"} or a
 * {@code {{placeholder}}} where the schema says number), so a route file can start fine and still
 * be refused by the tooling; this test is what catches it.
 */
class RouteFilesMatchTheYamlDslSchemaTest {

    static YamlDslSchema schema;
    static Path root;

    @BeforeAll
    static void loadSchema() throws IOException {
        schema = YamlDslSchema.shared();
        root = Path.of("").toAbsolutePath();
        while (root != null && !(Files.exists(root.resolve("pom.xml")) && Files.isDirectory(root.resolve("routes")))) {
            root = root.getParent();
        }
        assertThat(root).as("project root with pom.xml and routes/").isNotNull();
    }

    @Test
    void theSchemaIsTheOneOfTheCamelVersionInUse() {
        String version = CamelContext.class.getPackage().getImplementationVersion();
        assertThat(version).as("camel-api's version").isNotBlank();
        assertThat(schema.location().toString()).as("where " + YamlDslSchema.RESOURCE + " comes from")
                .startsWith("jar:")
                .contains("camel-yaml-dsl-" + version + ".jar!/" + YamlDslSchema.RESOURCE);
    }

    @Test
    void everyRouteFileIsValid() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root.resolve("routes"))) {
            files = walk.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).as("route files under routes/").hasSizeGreaterThan(10);
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            problems.addAll(schema.problems(file, root.relativize(file).toString()));
        }
        assertThat(problems).as("violations of the Camel YAML DSL schema (file:line:column /json/pointer: message)").isEmpty();
    }

    @Test
    void aRouteFileTheToolingRefusesIsCaughtWithFileLineAndPath(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.camel.yaml");
        Files.writeString(bad, """
                - routeConfiguration:
                    id: bad-retries
                    onException:
                      - onException:
                          id: bad-retry
                          exception:
                            - java.io.IOException
                          redeliveryPolicy:
                            maximumRedeliveries: "{{engine.emr.retry.attempts}}"
                            useExponentialBackOff: "true"
                - route:
                    id: bad-route
                    from:
                      uri: direct:bad
                      steps:
                        - toh: log:nowhere
                """);
        List<String> problems = schema.problems(bad, "routes/bad.camel.yaml");
        assertThat(problems).as("problems of the bad file").hasSize(3);
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .startsWith("routes/bad.camel.yaml:9:")
                .contains("/0/routeConfiguration/onException/0/onException/redeliveryPolicy/maximumRedeliveries: string found, number expected"));
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .startsWith("routes/bad.camel.yaml:10:")
                .contains("/redeliveryPolicy/useExponentialBackOff: string found, boolean expected"));
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .startsWith("routes/bad.camel.yaml:16:")
                .contains("/1/route/from/steps/0: property 'toh' is not defined in the schema"));
    }

    @Test
    void aValidRouteFilePasses(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.camel.yaml");
        Files.writeString(good, """
                - routeConfiguration:
                    id: good-retries
                    onException:
                      - onException:
                          id: good-retry
                          exception:
                            - java.io.IOException
                          redeliveryPolicyRef: someRedeliveryPolicy
                          handled:
                            constant: "false"
                - route:
                    id: good-route
                    from:
                      uri: direct:good
                      steps:
                        - to:
                            id: good-log
                            uri: log:somewhere
                """);
        assertThat(schema.problems(good, "good.camel.yaml")).isEmpty();
    }
}
