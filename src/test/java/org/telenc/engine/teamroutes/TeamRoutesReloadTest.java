package org.telenc.engine.teamroutes;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.EngineTest;
import org.awaitility.Awaitility;

/**
 * The whole engine with a team folder laid out as a ConfigMap volume ({@code ..data} a link to a
 * timestamped folder, the files links through it) and {@code engine.routes.extra-reload: true}:
 * the team route runs from the start; a new version that fails the checks is refused (one WARN line
 * per problem, the old route still answers, refused counted); a valid new version replaces it
 * (the new behaviour answers, the route the new files dropped is gone, applied counted).
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class TeamRoutesReloadTest extends EngineTest {

    static final Path MOUNT = Path.of("target", "test-data", "team-routes-" + UUID.randomUUID(), "team-routes").toAbsolutePath();
    static final String FILE = "clinic-a.camel.yaml";
    static int versions;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void teamFolder(DynamicPropertyRegistry registry) throws IOException {
        ownEngine(registry, "team-routes-reload");
        publish(route("clinic-a-hello", "hello v1") + route("clinic-a-extra", "extra"));
        registry.add("engine.routes.extra-location", MOUNT::toString);
        registry.add("engine.routes.extra-reload", () -> "true");
        registry.add("engine.routes.extra-reload-interval", () -> "200ms");
    }

    static String route(String id, String answer) {
        return """
                - route:
                    id: %s
                    from:
                      uri: direct:%s
                      steps:
                        - setBody:
                            constant: %s
                """.formatted(id, id, answer);
    }

    /** As the kubelet updates a ConfigMap volume: a new timestamped folder, then ..data swapped to it in one rename. */
    static void publish(String text) throws IOException {
        Files.createDirectories(MOUNT);
        Path version = Files.createDirectories(MOUNT.resolve("..2026_12_02_05_00_0" + (++versions)));
        Files.writeString(version.resolve(FILE), text);
        Path next = MOUNT.resolve("..data_tmp");
        Files.deleteIfExists(next);
        Files.createSymbolicLink(next, version.getFileName());
        Files.move(next, MOUNT.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (!Files.exists(MOUNT.resolve(FILE), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(MOUNT.resolve(FILE), Path.of("..data", FILE));
        }
    }

    double reloads(String result) {
        return meters.get("telenc.team.routes.reload").tag("result", result).counter().count();
    }

    static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(20)).until(condition::getAsBoolean);
    }

    @Test
    void aBadChangeIsRefusedAndAGoodOneReplacesTheTeamRoutes(CapturedOutput output) throws Exception {
        assertThat(camel.requestBody("direct:clinic-a-hello", null, String.class)).isEqualTo("hello v1");
        assertThat(camel.requestBody("direct:clinic-a-extra", null, String.class)).isEqualTo("extra");
        assertThat(reloads("applied")).isZero();
        assertThat(reloads("refused")).isZero();

        // the new version takes an engine id and misspells a step: refused, the old routes run on
        publish(route("clinic-a-hello", "hello v2 Zqxjmarker Patient") + route("encounter-finish", "mine")
                + "        - toh: log:x\n");
        await("the change refused", () -> reloads("refused") == 1);
        assertThat(output.getOut()).contains("team route files: change refused, running routes kept: "
                        + "team-routes/clinic-a.camel.yaml:9:9: route id 'encounter-finish' belongs to the engine")
                .contains("running routes kept: team-routes/clinic-a.camel.yaml:15:11: /1/route/from/steps/1: property 'toh'")
                .doesNotContain("Zqxjmarker");
        assertThat(camel.requestBody("direct:clinic-a-hello", null, String.class)).isEqualTo("hello v1");
        assertThat(camel.requestBody("direct:clinic-a-extra", null, String.class)).isEqualTo("extra");
        // held for 600 ms, several polls: the same refused files are not refused (nor logged) again
        Awaitility.await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> reloads("refused") == 1);
        assertThat(reloads("refused")).isEqualTo(1);

        // a valid version: applied, new behaviour, the dropped route gone
        publish(route("clinic-a-hello", "hello v3") + route("clinic-a-new", "new"));
        await("the change applied", () -> reloads("applied") == 1);
        assertThat(camel.requestBody("direct:clinic-a-hello", null, String.class)).isEqualTo("hello v3");
        assertThat(camel.requestBody("direct:clinic-a-new", null, String.class)).isEqualTo("new");
        assertThat(camelContext().getRoute("clinic-a-extra")).as("the route the new files dropped").isNull();
        assertThat(camelContext().getRoute("encounter-finish")).as("engine routes untouched").isNotNull();
        assertThat(reloads("refused")).isEqualTo(1);
    }

    @Autowired
    org.apache.camel.CamelContext context;

    org.apache.camel.CamelContext camelContext() {
        return context;
    }
}
