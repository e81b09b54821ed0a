package org.telenc.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.EngineTest;

/**
 * Console logins spend the engine's login budgets (here 3 failures per user and source): past
 * them, a login is answered 429 with Retry-After before its password is checked, even the right
 * password, and gets no session; another user from the same source still logs in.
 */
class ConsoleLoginThrottleTest extends EngineTest {

    @DynamicPropertySource
    static void smallBudgets(DynamicPropertyRegistry registry) {
        ownEngine(registry, "console-throttle");
        registry.add("engine.test.login-throttle.client-failures", () -> "3");
        registry.add("engine.test.login-throttle.source-failures", () -> "6");
    }

    @Test
    void guessingAUsersPasswordIsThrottled() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(port);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> refused = browser.login("demo-operator", "guess-" + i);
            assertThat(refused.statusCode()).isEqualTo(302);
            assertThat(refused.headers().firstValue("location").orElse("")).endsWith("/console/login?error");
        }
        HttpResponse<String> throttled = browser.login("demo-operator", "demo-operator-password");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(throttled.headers().firstValue("retry-after").orElseThrow())).isPositive();
        assertThat(ConsoleBrowser.setCookies(throttled)).doesNotContainKey("JSESSIONID");
        assertThat(browser.get("/console").statusCode()).as("not logged in").isEqualTo(302);
        ConsoleBrowser.loggedIn(port, "demo-viewer", "demo-viewer-password");
    }
}
