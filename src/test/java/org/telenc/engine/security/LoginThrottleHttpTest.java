package org.telenc.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.admin.AdminAuthenticator;
import org.telenc.engine.support.EngineTest;

/**
 * Credential guessing over HTTP, from several loopback source addresses (127.0.0.x), on an engine
 * with small budgets: 3 failures per (client id, source), 6 per source. Each case uses addresses of
 * its own, so the cases do not share budgets.
 */
class LoginThrottleHttpTest extends EngineTest {

    @DynamicPropertySource
    static void smallBudgets(DynamicPropertyRegistry registry) {
        ownEngine(registry, "login-throttle");
        registry.add("engine.test.login-throttle.client-failures", () -> "3");
        registry.add("engine.test.login-throttle.source-failures", () -> "6");
    }

    record Answer(int status, Map<String, String> headers, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    /** One HTTP/1.1 request over a socket bound to {@code from}: the server sees that source address. */
    Answer request(String from, String method, String path, Map<String, String> headers) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, split).split("\r\n");
            Map<String, String> answerHeaders = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                answerHeaders.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
            }
            String body = text.substring(split + 4);
            if ("chunked".equalsIgnoreCase(answerHeaders.get("transfer-encoding"))) {
                body = unchunk(body);
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), answerHeaders, body);
        }
    }

    static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    Answer providers(String from, String clientId, String secret) throws IOException {
        return request(from, "GET", "/v1/providers", Map.of("client_id", clientId, "client_secret", secret, "access_token", ACCESS_TOKEN));
    }

    static void assertRateLimited(Answer answer) throws IOException {
        assertThat(answer.status()).isEqualTo(429);
        assertThat(Integer.parseInt(answer.headers().get("retry-after"))).isPositive();
        assertThat(answer.headers().get("content-type")).startsWith("application/json");
        JsonNode body = answer.json();
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("error").asText()).isEqualTo("rate_limited");
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(body.size()).isEqualTo(3);
    }

    @Test
    void guessingAClientsSecretIsRefusedFromThatAddressOnlyAndTheClientStillLogsInFromAnother() throws Exception {
        for (int i = 0; i < 3; i++) {
            Answer wrong = providers("127.0.0.2", CLIENT_ID, "wrong-" + i);
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.json().path("error").asText()).isEqualTo("invalid_client_credentials");
        }
        assertRateLimited(providers("127.0.0.2", CLIENT_ID, "wrong-again"));
        // refused before the check: the right secret from the guessing address is refused too
        assertRateLimited(providers("127.0.0.2", CLIENT_ID, CLIENT_SECRET));
        // the same client from another address is not locked out, and fails on its own budget
        assertThat(providers("127.0.0.3", CLIENT_ID, CLIENT_SECRET).status()).isEqualTo(200);
        assertThat(providers("127.0.0.3", CLIENT_ID, "wrong").status()).isEqualTo(401);
        // a wrong access token counts like a wrong secret
        for (int i = 0; i < 3; i++) {
            assertThat(request("127.0.0.4", "GET", "/v1/providers", Map.of("client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                    "access_token", "guess-" + i)).status()).isEqualTo(401);
        }
        assertRateLimited(providers("127.0.0.4", CLIENT_ID, CLIENT_SECRET));
    }

    @Test
    void successfulLoginsAreNeverCounted() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(providers("127.0.0.5", CLIENT_ID, CLIENT_SECRET).status()).isEqualTo(200);
        }
        assertThat(providers("127.0.0.5", CLIENT_ID, "wrong").status()).isEqualTo(401);
    }

    @Test
    void aSourceSprayingClientIdsIsRefusedForAnyClientId() throws Exception {
        for (int i = 0; i < 6; i++) {
            assertThat(providers("127.0.0.6", "client-" + UUID.randomUUID(), "wrong").status()).isEqualTo(401);
        }
        assertRateLimited(providers("127.0.0.6", "client-" + UUID.randomUUID(), "wrong"));
        assertRateLimited(providers("127.0.0.6", CLIENT_ID, CLIENT_SECRET));
        assertThat(providers("127.0.0.7", CLIENT_ID, CLIENT_SECRET).status()).isEqualTo(200);
    }

    @Test
    void guessingTheAdminTokenIsThrottledAndTheTokenStillWorksFromAnotherAddress() throws Exception {
        for (int i = 0; i < 3; i++) {
            Answer wrong = request("127.0.0.8", "GET", "/admin/v1/connections", Map.of("Authorization", "Bearer guess-" + i));
            assertThat(wrong.status()).isEqualTo(401);
        }
        assertRateLimited(request("127.0.0.8", "GET", "/admin/v1/connections",
                Map.of("Authorization", "Bearer " + AdminAuthenticator.DEMO_TOKEN)));
        assertThat(request("127.0.0.9", "GET", "/admin/v1/connections",
                Map.of("Authorization", "Bearer " + AdminAuthenticator.DEMO_TOKEN)).status()).isEqualTo(200);
    }
}
