package org.telenc.engine.emr.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.support.MutualTlsServer;

/**
 * The SMART Backend Services token request of a connection with a client certificate goes out over
 * mutual TLS: a real HTTPS token endpoint that requires the certificate issues the token; without
 * the connection's TLS settings the request fails in the handshake (retryable, nothing of the key in
 * the message); a changed certificate drops the cached token and the next request presents the new one.
 */
class SmartTokenMutualTlsTest {

    static MutualTlsServer tokenEndpoint;
    static final AtomicInteger issued = new AtomicInteger();

    @BeforeAll
    static void start() {
        tokenEndpoint = MutualTlsServer.start(exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = new ObjectMapper().writeValueAsBytes(Map.of("access_token", "tok-" + issued.incrementAndGet(),
                    "token_type", "bearer", "expires_in", 300));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    @AfterAll
    static void stop() {
        tokenEndpoint.close();
    }

    EmrAuthorizations authorizations;

    @BeforeEach
    void fresh() {
        tokenEndpoint.clientSubjects().clear();
        authorizations = new EmrAuthorizations(Clock.systemUTC(), Duration.ofSeconds(5), new EmrTls());
    }

    static EmrAuthSettings smart() {
        // the assertion is signed with the client key too: any RSA key of 2048 bits does
        return EmrAuthSettings.smartBackend(tokenEndpoint.url("/token"), "engine", "system/*.rs",
                MutualTlsServer.pem("client-key.pem"), "k1", null);
    }

    static EmrTlsSettings tls(String certificate, String key) {
        return EmrTlsSettings.of(MutualTlsServer.pem(certificate), MutualTlsServer.pem(key), MutualTlsServer.pem("ca.pem"), Instant.now());
    }

    @Test
    void theTokenRequestPresentsTheConnectionsClientCertificate() {
        String header = authorizations.authorizationHeader("conn-1", smart(), tls("client.pem", "client-key.pem")).orElseThrow();
        assertThat(header).startsWith("Bearer tok-");
        assertThat(tokenEndpoint.clientSubjects()).containsExactly("O=Test Clinic,CN=telenc-engine");
    }

    @Test
    void withoutTheConnectionsTlsTheTokenRequestFailsInTheHandshake() {
        assertThatThrownBy(() -> authorizations.authorizationHeader("conn-2", smart()))
                .isInstanceOf(EmrRetryableException.class)
                .hasMessageContaining("SSLHandshakeException")
                .hasMessageNotContaining("PRIVATE KEY");
        assertThat(tokenEndpoint.clientSubjects()).isEmpty();
    }

    @Test
    void aChangedCertificateDropsTheCachedTokenAndIsPresentedNext() {
        String first = authorizations.authorizationHeader("conn-3", smart(), tls("client.pem", "client-key.pem")).orElseThrow();
        String again = authorizations.authorizationHeader("conn-3", smart(), tls("client.pem", "client-key.pem")).orElseThrow();
        String rotated = authorizations.authorizationHeader("conn-3", smart(), tls("client-ec.pem", "client-ec-key.pem")).orElseThrow();
        assertThat(again).as("cached").isEqualTo(first);
        assertThat(rotated).isNotEqualTo(first);
        assertThat(tokenEndpoint.clientSubjects()).containsExactly("O=Test Clinic,CN=telenc-engine", "CN=telenc-engine-ec");
    }
}
