package org.telenc.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.EngineTest;

/**
 * With {@code engine.console.enabled=false} (production's default) there is no console: its paths
 * answer 404 and set no cookie, and Spring Security's default chain (every path behind a generated
 * password) is not there either: the API answers as ever.
 */
class ConsoleOffTest extends EngineTest {

    @DynamicPropertySource
    static void consoleOff(DynamicPropertyRegistry registry) {
        ownEngine(registry, "console-off");
        registry.add("engine.console.enabled", () -> "false");
    }

    @Test
    void theConsolePathsAreNobodysAndTheApiAnswersAsEver() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(port);
        for (String path : List.of("/console", "/console/login", "/console/deliveries", "/console/assets/console.css")) {
            HttpResponse<String> answer = browser.get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(ConsoleBrowser.setCookies(answer)).as(path).isEmpty();
        }
        HttpResponse<String> login = browser.postWithout("/console/login",
                Map.of("username", "demo-operator", "password", "demo-operator-password"));
        assertThat(login.statusCode()).isEqualTo(404);
        assertThat(ConsoleBrowser.setCookies(login)).isEmpty();
        assertThat(get("/v1/providers").statusCode()).isEqualTo(200);
        assertThat(browser.get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(browser.get("/v1/providers").statusCode()).as("no credentials").isEqualTo(401);
    }
}
