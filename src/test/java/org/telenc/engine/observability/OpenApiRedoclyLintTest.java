package org.telenc.engine.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telenc.engine.support.EngineTest;

/**
 * The served {@code GET /openapi.json} passes Redocly's {@code recommended} rules with no error and
 * no warning, checked by Redocly itself: the pinned {@link #REDOCLY} run through {@code npx} (from
 * the npm registry on first use). Needs Node.js: in the {@code ci-services} profile (CI) only, like
 * the kubectl test; without npx it fails, it never skips. {@link OpenApiDocumentTest} asserts the
 * main points of the same rules in Java on every machine.
 */
class OpenApiRedoclyLintTest extends EngineTest {

    /** Pinned: a new Redocly release may add rules; raise it on purpose. */
    static final String REDOCLY = "@redocly/cli@2.77.0";

    @Test
    void theServedDocumentHasNoRedoclyErrorOrWarning(@TempDir Path dir) throws Exception {
        HttpResponse<String> response = get("/openapi.json");
        assertThat(response.statusCode()).isEqualTo(200);
        Path document = dir.resolve("openapi.json");
        Files.writeString(document, response.body());

        String npx = System.getenv().getOrDefault("NPX", "npx");
        Path stderr = dir.resolve("redocly.err");
        ProcessBuilder builder = new ProcessBuilder(npx, "--yes", REDOCLY, "lint", "--extends=recommended", "--format=json",
                document.toString())
                .directory(dir.toFile()) // no redocly.yaml of the project or the user can change the rules
                .redirectError(stderr.toFile());
        builder.environment().put("REDOCLY_TELEMETRY", "off");
        builder.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
        builder.environment().put("NO_UPDATE_NOTIFIER", "1");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            fail("npx (Node.js) is required to run " + REDOCLY + " (" + e.getMessage() + "): install Node.js, or set NPX to its path");
            return;
        }
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(REDOCLY + " lint did not finish within 300 s");
        }
        String err = Files.readString(stderr);
        int json = out.indexOf('{');
        assertThat(json).as(REDOCLY + " lint printed a JSON report; stdout: " + out + "\nstderr: " + err).isNotNegative();
        JsonNode report = JSON.readTree(out.substring(json));
        List<String> problems = new ArrayList<>();
        for (JsonNode problem : report.path("problems")) {
            JsonNode at = problem.path("location").path(0).path("pointer");
            problems.add(problem.path("severity").asText() + " " + problem.path("ruleId").asText() + " at " + at.asText()
                    + ": " + problem.path("message").asText());
        }
        assertThat(problems).as(REDOCLY + " lint --extends=recommended of GET /openapi.json").isEmpty();
        assertThat(report.path("totals").path("errors").asInt(-1)).isZero();
        assertThat(report.path("totals").path("warnings").asInt(-1)).isZero();
        assertThat(process.exitValue()).as(REDOCLY + " lint exit status; stderr: " + err).isZero();
    }
}
