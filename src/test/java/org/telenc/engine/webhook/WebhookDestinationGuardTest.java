package org.telenc.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WebhookDestinationGuardTest {

    final WebhookDestinationGuard guard = new WebhookDestinationGuard(true, List.of());

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1",
            "::1", "::", "fe80::1", "fd00::1", "fc00::1", "::ffff:127.0.0.1", "64:ff9b::a9fe:a9fe", "2001:db8::1"})
    void reservedAddressesAreRefused(String literal) throws Exception {
        assertThat(guard.allowed(InetAddress.getByName(literal))).isFalse();
        assertThatThrownBy(() -> guard.resolve(literal)).isInstanceOf(WebhookDestinationGuard.BlockedDestinationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "64:ff9b::808:808"})
    void publicAddressesPass(String literal) throws Exception {
        assertThat(guard.allowed(InetAddress.getByName(literal))).isTrue();
        assertThat(guard.resolve(literal)).containsExactly(InetAddress.getByName(literal));
    }

    @Test
    void allowlistOpensACidrAndDisabledGuardOpensAll() throws Exception {
        WebhookDestinationGuard allowing = new WebhookDestinationGuard(true, List.of("10.0.0.0/8", "fd12::/16"));
        assertThat(allowing.allowed(InetAddress.getByName("10.9.8.7"))).isTrue();
        assertThat(allowing.allowed(InetAddress.getByName("fd12::5"))).isTrue();
        assertThat(allowing.allowed(InetAddress.getByName("192.168.0.1"))).isFalse();
        assertThat(new WebhookDestinationGuard(false, List.of()).allowed(InetAddress.getByName("127.0.0.1"))).isTrue();
    }

    @Test
    void theRealHttpClientNeverConnectsToARefusedAddress() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        try (CloseableHttpClient guarded = HttpClients.custom()
                .setConnectionManager(WebhookHttpConfiguration.connectionManager(guard)).build();
             CloseableHttpClient open = HttpClients.custom()
                .setConnectionManager(WebhookHttpConfiguration.connectionManager(new WebhookDestinationGuard(false, List.of())))
                .build()) {
            assertThatThrownBy(() -> guarded.execute(new HttpPost(url), response -> response.getCode()))
                    .isInstanceOf(WebhookDestinationGuard.BlockedDestinationException.class);
            assertThat(requests).hasValue(0);
            int code = open.execute(new HttpPost(url), response -> response.getCode());
            assertThat(code).isEqualTo(204);
            assertThat(requests).hasValue(1);
        } finally {
            server.stop(0);
        }
    }
}
