package org.telenc.engine.emr.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.telenc.engine.emr.EmrException;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrRetryableException;

class EmrAuthorizationsTest {

    private static final String CLIENT_ID = "engine-client";
    private static final String SCOPE = "system/*.rs system/Encounter.c";
    private static final String CONNECTION = "conn-1";

    private static KeyPair rsa;
    private static KeyPair ec;
    private static String rsaPem;
    private static String ecPem;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    private TokenEndpoint endpoint;
    private EmrAuthorizations authorizations;
    private ListAppender<ILoggingEvent> logs;
    private Logger authLogger;
    private Level previousLevel;

    @BeforeAll
    static void keys() {
        rsa = TestKeys.rsa(2048);
        ec = TestKeys.ec("secp384r1");
        rsaPem = TestKeys.pem(rsa.getPrivate());
        ecPem = TestKeys.pem(ec.getPrivate());
    }

    @BeforeEach
    void start() throws Exception {
        endpoint = new TokenEndpoint(clock, CLIENT_ID, SCOPE);
        endpoint.register("rsa-1", rsa.getPublic());
        endpoint.register("ec-1", ec.getPublic());
        authorizations = new EmrAuthorizations(clock, Duration.ofSeconds(5));
        authLogger = (Logger) LoggerFactory.getLogger(EmrAuthorizations.class.getPackageName());
        previousLevel = authLogger.getLevel();
        authLogger.setLevel(Level.DEBUG);
        logs = new ListAppender<>();
        logs.start();
        authLogger.addAppender(logs);
    }

    @AfterEach
    void stop() {
        endpoint.close();
        authLogger.detachAppender(logs);
        authLogger.setLevel(previousLevel);
    }

    private EmrAuthSettings rsaSettings() {
        return EmrAuthSettings.smartBackend(endpoint.url(), CLIENT_ID, SCOPE, rsaPem, "rsa-1", "RS384");
    }

    private EmrAuthSettings ecSettings() {
        return EmrAuthSettings.smartBackend(endpoint.url(), CLIENT_ID, SCOPE, ecPem, "ec-1", "ES384");
    }

    private String header(EmrAuthSettings settings) {
        return authorizations.authorizationHeader(CONNECTION, settings).orElseThrow();
    }

    @Test
    void rs384AssertionIsAccepted() {
        assertThat(header(rsaSettings())).isEqualTo("Bearer " + endpoint.issuedTokens().get(0));
        assertThat(endpoint.rejections).isEmpty();
        assertThat(endpoint.issued).hasValue(1);
    }

    @Test
    void es384AssertionIsAccepted() {
        assertThat(header(ecSettings())).isEqualTo("Bearer " + endpoint.issuedTokens().get(0));
        assertThat(endpoint.rejections).isEmpty();
        assertThat(endpoint.issued).hasValue(1);
    }

    @Test
    void aWrongKeyIsRefusedAsLoginRequired() {
        String otherPem = TestKeys.pem(TestKeys.rsa(2048).getPrivate());
        EmrAuthSettings wrong = EmrAuthSettings.smartBackend(endpoint.url(), CLIENT_ID, SCOPE, otherPem, "rsa-1", "RS384");

        assertThatThrownBy(() -> header(wrong))
                .isInstanceOfSatisfying(EmrPermanentException.class, e -> {
                    assertThat(e.reasonCode()).isEqualTo("login_required");
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.getMessage()).contains(CONNECTION, "401", "invalid_client")
                            .doesNotContain("signature", "refused on demand");
                });
        assertThat(endpoint.rejections).containsExactly("signature");
    }

    @Test
    void otherRefusalsAreLoginRequiredToo() {
        endpoint.failWith = 400;
        endpoint.failError = "invalid_scope";
        assertThatThrownBy(() -> header(rsaSettings()))
                .isInstanceOfSatisfying(EmrPermanentException.class, e -> {
                    assertThat(e.reasonCode()).isEqualTo("login_required");
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("invalid_scope").doesNotContain("refused on demand");
                });
        endpoint.failWith = 403;
        endpoint.failError = "unauthorized_client";
        assertThatThrownBy(() -> header(rsaSettings()))
                .isInstanceOfSatisfying(EmrPermanentException.class, e -> assertThat(e.httpStatus()).isEqualTo(403));
    }

    @Test
    void theTokenIsCachedPerConnection() {
        String first = header(rsaSettings());
        String second = header(rsaSettings());
        assertThat(second).isEqualTo(first);
        assertThat(endpoint.requests).hasValue(1);

        String otherConnection = authorizations.authorizationHeader("conn-2", rsaSettings()).orElseThrow();
        assertThat(otherConnection).isNotEqualTo(first);
        assertThat(endpoint.requests).hasValue(2);
    }

    @Test
    void theTokenIsRefreshedBeforeItExpires() {
        endpoint.expiresIn = 3600; // 10 % = 360 s > 60 s: refreshed 360 s before expiry
        String first = header(rsaSettings());

        clock.advance(Duration.ofSeconds(3600 - 361));
        assertThat(header(rsaSettings())).isEqualTo(first);
        assertThat(endpoint.requests).hasValue(1);

        clock.advance(Duration.ofSeconds(2)); // 359 s left
        String second = header(rsaSettings());
        assertThat(second).isNotEqualTo(first);
        assertThat(endpoint.requests).hasValue(2);

        endpoint.expiresIn = 300; // 10 % = 30 s < 60 s: refreshed 60 s before expiry
        clock.advance(Duration.ofHours(1));
        String third = header(rsaSettings());
        clock.advance(Duration.ofSeconds(239));
        assertThat(header(rsaSettings())).isEqualTo(third);
        clock.advance(Duration.ofSeconds(2));
        assertThat(header(rsaSettings())).isNotEqualTo(third);
        assertThat(endpoint.requests).hasValue(4);
        assertThat(endpoint.rejections).isEmpty();
    }

    @Test
    void refreshRule() {
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        assertThat(EmrAuthorizations.refreshAt(t, Duration.ofHours(1))).isEqualTo(t.plusSeconds(3240));
        assertThat(EmrAuthorizations.refreshAt(t, Duration.ofMinutes(5))).isEqualTo(t.plusSeconds(240));
        assertThat(EmrAuthorizations.refreshAt(t, Duration.ofSeconds(60))).isEqualTo(t.plusSeconds(30));
    }

    @Test
    void aFailedEarlyRefreshKeepsUsingTheValidTokenThenFails() {
        String first = header(rsaSettings());
        clock.advance(Duration.ofSeconds(250)); // in the refresh window, 50 s left
        endpoint.failWith = 503;

        assertThat(header(rsaSettings())).isEqualTo(first);
        assertThat(header(rsaSettings())).isEqualTo(first); // no new attempt right after a failure
        assertThat(endpoint.requests).hasValue(2);

        clock.advance(Duration.ofSeconds(51)); // expired
        assertThatThrownBy(() -> header(rsaSettings())).isInstanceOf(EmrRetryableException.class);

        endpoint.failWith = 0;
        assertThat(header(rsaSettings())).isNotEqualTo(first);
    }

    @Test
    void invalidateForcesANewToken() {
        String first = header(rsaSettings());
        authorizations.invalidate(CONNECTION);
        String second = header(rsaSettings());
        assertThat(second).isNotEqualTo(first).isEqualTo("Bearer " + endpoint.issuedTokens().get(1));
        assertThat(endpoint.requests).hasValue(2);
        authorizations.invalidate("never-used"); // harmless
    }

    @Test
    void changedSettingsDropTheCachedToken() {
        String first = header(rsaSettings());
        String second = header(ecSettings()); // the key was rotated
        assertThat(second).isNotEqualTo(first);
        assertThat(endpoint.requests).hasValue(2);
    }

    @Test
    void concurrentCallersShareOneTokenRequest() throws Exception {
        endpoint.delayMillis = 300;
        List<String> headers = concurrently(16, () -> header(rsaSettings()));
        assertThat(headers).hasSize(16).containsOnly("Bearer " + endpoint.issuedTokens().get(0));
        assertThat(endpoint.requests).hasValue(1);

        // the same once the token is due for refresh: one caller refreshes, none waits for nothing
        clock.advance(Duration.ofSeconds(241));
        List<String> later = concurrently(16, () -> header(rsaSettings()));
        assertThat(endpoint.requests).hasValue(2);
        assertThat(later).allMatch(h -> endpoint.issuedTokens().stream().anyMatch(t -> h.equals("Bearer " + t)));
    }

    @Test
    void concurrentCallersShareOneFailure() throws Exception {
        endpoint.delayMillis = 300;
        endpoint.failWith = 503;
        List<String> outcomes = concurrently(16, () -> {
            try {
                return header(rsaSettings());
            } catch (EmrRetryableException e) {
                return "retryable " + e.httpStatus();
            }
        });
        assertThat(outcomes).hasSize(16).containsOnly("retryable 503");
        assertThat(endpoint.requests).hasValue(1);
    }

    @Test
    void unavailableTokenEndpointIsRetryable() {
        endpoint.failWith = 503;
        assertThatThrownBy(() -> header(rsaSettings()))
                .isInstanceOfSatisfying(EmrRetryableException.class, e -> {
                    assertThat(e.reasonCode()).isEqualTo("emr_unavailable");
                    assertThat(e.httpStatus()).isEqualTo(503);
                });
        endpoint.failWith = 429;
        assertThatThrownBy(() -> header(rsaSettings()))
                .isInstanceOfSatisfying(EmrRetryableException.class, e -> assertThat(e.httpStatus()).isEqualTo(429));
        // not cached: the next call asks again and succeeds
        endpoint.failWith = 0;
        assertThat(header(rsaSettings())).startsWith("Bearer at-");
        assertThat(endpoint.requests).hasValue(3);
    }

    @Test
    void unreachableTokenEndpointIsRetryable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        EmrAuthSettings settings = EmrAuthSettings.smartBackend("http://127.0.0.1:" + closedPort + "/token", CLIENT_ID,
                SCOPE, rsaPem, "rsa-1", "RS384");
        assertThatThrownBy(() -> header(settings))
                .isInstanceOfSatisfying(EmrRetryableException.class, e -> assertThat(e.httpStatus()).isZero());
    }

    @Test
    void aSlowTokenEndpointTimesOutRetryably() {
        authorizations = new EmrAuthorizations(clock, Duration.ofMillis(300));
        endpoint.delayMillis = 2_000;
        assertThatThrownBy(() -> header(rsaSettings())).isInstanceOf(EmrRetryableException.class)
                .hasMessageContaining("HttpTimeoutException");
    }

    @Test
    void bearerAndBasicHeadersAreExact() {
        assertThat(authorizations.authorizationHeader(CONNECTION, EmrAuthSettings.parse(
                "{\"type\":\"bearer\",\"token\":\"abc.DEF-123_~+/=\"}"))).contains("Bearer abc.DEF-123_~+/=");
        // RFC 7617 section 2's example
        assertThat(authorizations.authorizationHeader(CONNECTION, EmrAuthSettings.parse(
                "{\"type\":\"basic\",\"username\":\"Aladdin\",\"password\":\"open sesame\"}")))
                .contains("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        // UTF-8 (RFC 7617 section 2.1): "test" / "123£"
        assertThat(authorizations.authorizationHeader(CONNECTION, EmrAuthSettings.basic("test", "123\u00a3")))
                .contains("Basic dGVzdDoxMjPCow==");
        assertThat(endpoint.requests).hasValue(0);
    }

    @Test
    void noneGivesNoHeader() {
        assertThat(authorizations.authorizationHeader(CONNECTION, EmrAuthSettings.parse(null))).isEqualTo(Optional.empty());
        assertThat(authorizations.authorizationHeader(CONNECTION, EmrAuthSettings.none())).isEmpty();
        assertThat(authorizations.authorizationHeader(CONNECTION, null)).isEmpty();
    }

    @Test
    void logsAndErrorsNeverCarrySecrets() {
        List<String> texts = new ArrayList<>();
        endpoint.expiresIn = 120;
        header(rsaSettings());
        header(ecSettings());
        clock.advance(Duration.ofSeconds(100));
        header(ecSettings());
        authorizations.invalidate(CONNECTION);
        header(ecSettings());
        EmrAuthSettings wrong = EmrAuthSettings.smartBackend(endpoint.url(), CLIENT_ID, SCOPE,
                TestKeys.pem(TestKeys.rsa(2048).getPrivate()), "rsa-1", "RS384");
        collect(texts, () -> header(wrong));
        endpoint.failWith = 503;
        authorizations.invalidate(CONNECTION);
        collect(texts, () -> header(ecSettings()));
        endpoint.failWith = 0;
        collect(texts, () -> header(EmrAuthSettings.bearer("tok-SECRET-static")));
        collect(texts, () -> header(EmrAuthSettings.basic("user", "pw-SECRET-basic")));

        logs.list.forEach(event -> texts.add(event.getFormattedMessage()));
        assertThat(logs.list).isNotEmpty();
        List<String> secrets = new ArrayList<>(endpoint.issuedTokens());
        secrets.addAll(endpoint.assertions);
        secrets.add("tok-SECRET-static");
        secrets.add("pw-SECRET-basic");
        secrets.add(TestKeys.pemBody(rsaPem).substring(100, 140));
        secrets.add(TestKeys.pemBody(ecPem).substring(60, 100));
        assertThat(endpoint.issuedTokens()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(endpoint.assertions).hasSizeGreaterThanOrEqualTo(5);
        for (String text : texts) {
            for (String secret : secrets) {
                assertThat(text).doesNotContain(secret);
            }
            assertThat(text).doesNotContain("eyJ"); // no JWT, not even a fragment's start
        }
    }

    private static void collect(List<String> texts, Runnable call) {
        try {
            call.run();
        } catch (EmrException e) {
            texts.add(e.getMessage());
        }
    }

    private static List<String> concurrently(int threads, Callable<String> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return call.call();
                }));
            }
            ready.await(5, TimeUnit.SECONDS);
            go.countDown();
            List<String> results = new ArrayList<>();
            for (Future<String> future : futures) {
                results.add(future.get(20, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
