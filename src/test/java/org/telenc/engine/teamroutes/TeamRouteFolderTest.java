package org.telenc.engine.teamroutes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks on a team route folder, on real files: schema, ids the engine owns (the built-in files
 * on the classpath), duplicates, ids missing, routeConfigurationId, YAML errors, the folder itself,
 * a ConfigMap-style mount of symbolic links; every problem as file:line:column: why, never the text.
 */
class TeamRouteFolderTest {

    static TeamRouteFolder checks;

    @BeforeAll
    static void builtIn() {
        checks = TeamRouteFolder.withBuiltInRoutesOf(TeamRouteFolderTest.class.getClassLoader());
    }

    @Test
    void theEngineOwnsTheIdsOfItsBuiltInFiles() {
        assertThat(checks.engineDefinitions()).extracting(TeamRouteFolder.Definition::id)
                .contains("encounter-finish", "emr-calls");
        assertThat(checks.engineDefinitions()).extracting(TeamRouteFolder.Definition::file)
                .allSatisfy(f -> assertThat(f).startsWith("routes/").doesNotStartWith("routes/examples/"));
    }

    @Test
    void aValidFolderPasses(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("team-routes"));
        Files.writeString(folder.resolve("clinic-a.camel.yaml"), """
                - routeConfiguration:
                    id: clinic-a-errors
                - route:
                    id: clinic-a-hello
                    routeConfigurationId: clinic-a-errors,emr-calls
                    from:
                      uri: direct:clinic-a-hello
                      steps:
                        - setBody:
                            constant: hello
                """);
        Files.writeString(folder.resolve("notes.txt"), "not a route file: ignored");
        TeamRouteFolder.Scan scan = checks.check(folder);
        assertThat(scan.problems()).isEmpty();
        assertThat(scan.ids("route")).containsExactly("clinic-a-hello");
        assertThat(scan.ids("routeConfiguration")).containsExactly("clinic-a-errors");
        assertThat(scan.files()).containsOnlyKeys("clinic-a.camel.yaml");
    }

    @Test
    void everyProblemOfEveryFileIsNamedWithFileLineAndColumn(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("team-routes"));
        Files.writeString(folder.resolve("clinic-a.camel.yaml"), """
                - route:
                    id: clinic-a-hello
                    from:
                      uri: direct:clinic-a-hello
                      steps:
                        - log: hello
                - route:
                    id: encounter-finish
                    from:
                      uri: direct:mine
                      steps:
                        - toh: log:nowhere
                - route:
                    routeConfigurationId: no-such-configuration
                    from:
                      uri: direct:no-id
                      steps:
                        - log: x
                - routeConfiguration:
                    onException:
                      - onException:
                          exception:
                            - java.lang.Exception
                """);
        Files.writeString(folder.resolve("clinic-b.camel.yaml"), """
                - route:
                    id: clinic-a-hello
                    routeConfigurationId: no-such-configuration
                    from:
                      uri: direct:clinic-b
                      steps:
                        - log: b
                """);
        Files.writeString(folder.resolve("clinic-c.camel.yaml"), """
                - route:
                    id: clinic-c
                    from: {uri: "direct:c", steps: [ {log: "Patient Jane Doe MRN 12345"} ]
                    oops: : :
                """);
        TeamRouteFolder.Scan scan = checks.check(folder);
        assertThat(scan.valid()).isFalse();
        assertThat(scan.problems()).extracting(Object::toString).contains(
                "team-routes/clinic-a.camel.yaml:8:9: route id 'encounter-finish' belongs to the engine; "
                        + "use an extension point (docs/route-authoring.md \"Extension points\")",
                "team-routes/clinic-b.camel.yaml:2:9: route id 'clinic-a-hello' is already defined at team-routes/clinic-a.camel.yaml:2:9",
                "team-routes/clinic-b.camel.yaml:3:27: routeConfigurationId 'no-such-configuration' names no route configuration "
                        + "(neither the engine's nor one in the team files)");
        assertThat(scan.problems()).extracting(Object::toString)
                .anySatisfy(p -> assertThat(p).startsWith("team-routes/clinic-a.camel.yaml:12:").contains("property 'toh' is not defined in the schema"))
                .anySatisfy(p -> assertThat(p).startsWith("team-routes/clinic-a.camel.yaml:14:").contains("route without an id"))
                .anySatisfy(p -> assertThat(p).startsWith("team-routes/clinic-a.camel.yaml:14:").contains("'no-such-configuration' names no route configuration"))
                .anySatisfy(p -> assertThat(p).startsWith("team-routes/clinic-a.camel.yaml:20:")
                        .contains("routeConfiguration without an id (one without an id would apply to the engine's routes too)"))
                .anySatisfy(p -> assertThat(p).matches("team-routes/clinic-c\\.camel\\.yaml:\\d+:\\d+: not YAML: .*"));
        String report = scan.report();
        assertThat(report).startsWith("team route files in " + folder.toAbsolutePath() + " refused (" + scan.problems().size() + " problems):")
                .contains("clinic-a.camel.yaml", "clinic-b.camel.yaml", "clinic-c.camel.yaml")
                // a route file's text (here a log line with a patient's name) is never quoted
                .doesNotContain("Jane", "12345", "nowhere", "hello\n", "direct:");
    }

    @Test
    void aMissingFolderOrAFileInsteadOfOneIsRefused(@TempDir Path dir) throws IOException {
        TeamRouteFolder.Scan missing = checks.check(dir.resolve("nothing-here"));
        assertThat(missing.problems()).extracting(Object::toString).containsExactly(dir.resolve("nothing-here") + ": no such folder");
        Path file = Files.writeString(dir.resolve("a-file"), "");
        assertThat(checks.check(file).problems()).extracting(Object::toString).containsExactly(file + ": not a folder");
    }

    /** A ConfigMap volume: the files are links through ..data, itself a link to a timestamped folder. */
    @Test
    void aConfigMapMountIsReadThroughItsLinks(@TempDir Path dir) throws IOException {
        Path mount = Files.createDirectories(dir.resolve("team-routes"));
        Path version = Files.createDirectories(mount.resolve("..2026_12_02_04_00_00.000000001"));
        Files.writeString(version.resolve("clinic-a.camel.yaml"), """
                - route:
                    id: clinic-a-linked
                    from:
                      uri: direct:clinic-a-linked
                      steps:
                        - log: linked
                """);
        Files.createSymbolicLink(mount.resolve("..data"), version.getFileName());
        Files.createSymbolicLink(mount.resolve("clinic-a.camel.yaml"), Path.of("..data/clinic-a.camel.yaml"));
        TeamRouteFolder.Scan scan = checks.check(mount);
        assertThat(scan.problems()).isEmpty();
        assertThat(scan.files()).containsOnlyKeys("clinic-a.camel.yaml");
        assertThat(scan.ids("route")).containsExactly("clinic-a-linked");
    }
}
