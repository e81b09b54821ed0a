package org.telenc.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.mock.env.MockEnvironment;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;

/**
 * Sandbox mode is safe where it runs: it listens on loopback unless an address is configured, and
 * everything under /sandbox (the webhook inbox, the sandbox FHIR server) takes only what /v1 takes,
 * answering anything else with a 4xx JSON error body, never a 5xx; the inbox holds a bounded
 * number of bytes.
 */
class SandboxSurfaceTest extends EngineTest {

    static final String INBOX = "/sandbox/webhook-inbox";
    static final String FHIR = "/sandbox/fhir/r4";

    @Autowired
    WebhookInbox inbox;

    static String nested(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    HttpResponse<String> raw(String method, String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    static void assertJsonError(HttpResponse<String> answer, int status, String error) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("error").asText()).isEqualTo(error);
    }

    static Optional<InetAddress> anotherAddressOfThisHost() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        return Optional.of(address);
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void theSandboxListensOnLoopbackOnly() throws Exception {
        InetAddress other = anotherAddressOfThisHost().orElse(null);
        Assumptions.assumeTrue(other != null, "this host has no address but loopback");
        try (Socket loopback = new Socket()) {
            loopback.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        }
        assertThatThrownBy(() -> {
            try (Socket outside = new Socket()) {
                outside.connect(new InetSocketAddress(other, port), 5000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void loopbackIsTheSandboxDefaultOnlyAndAConfiguredAddressWins() throws Exception {
        TomcatServletWebServerFactory unset = new TomcatServletWebServerFactory();
        new SandboxLoopback(new MockEnvironment()).customize(unset);
        assertThat(unset.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());

        TomcatServletWebServerFactory configured = new TomcatServletWebServerFactory();
        configured.setAddress(InetAddress.getByName("0.0.0.0"));
        new SandboxLoopback(new MockEnvironment().withProperty("server.address", "0.0.0.0")).customize(configured);
        assertThat(configured.getAddress()).isEqualTo(InetAddress.getByName("0.0.0.0"));
    }

    @Test
    void theInboxJudgesABodyLikeV1() throws Exception {
        byte[] deep = nested(10_000).getBytes();
        assertJsonError(raw("POST", INBOX, "application/json", deep), 400, "invalid_json");
        assertJsonError(raw("POST", INBOX, "application/json", "not json".getBytes()), 400, "invalid_json");
        assertJsonError(raw("POST", INBOX, "application/json", "[1,2]".getBytes()), 400, "invalid_json");
        assertJsonError(raw("POST", INBOX, "application/json", new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}), 400,
                "invalid_json");
        assertJsonError(raw("POST", INBOX, "application/json", new byte[0]), 400, "invalid_json");
        assertJsonError(raw("POST", INBOX, "text/plain", "{}".getBytes()), 415, "unsupported_media_type");
        byte[] large = Json.object("a", "x".repeat(70 * 1024)).getBytes();
        assertJsonError(raw("POST", INBOX, "application/json", large), 413, "payload_too_large");
        assertThat(raw("POST", INBOX, "application/json", "{\"id\":\"evt_ok\"}".getBytes()).statusCode()).isEqualTo(200);
    }

    @Test
    void theInboxKeepsABoundedNumberOfBytes() throws Exception {
        String filler = "x".repeat(60 * 1024);
        for (int i = 0; i < 60; i++) {
            byte[] event = JSON.createObjectNode().put("id", "evt_bytes_" + i).put("filler", filler).toString().getBytes();
            assertThat(raw("POST", INBOX, "application/json", event).statusCode()).isEqualTo(200);
        }
        assertThat(inbox.keptBytes()).isLessThanOrEqualTo(2L * 1024 * 1024);
        HttpResponse<String> listed = send(HttpRequest.newBuilder(uri(INBOX)).GET());
        assertThat(listed.body().length()).isLessThan(2 * 1024 * 1024 + 64 * 1024);
        assertThat(listed.body()).contains("evt_bytes_59").doesNotContain("evt_bytes_0\"");
    }

    @Test
    void theSandboxFhirServerTakesNoBodyV1WouldNotAndNeverAnswers5xx() throws Exception {
        byte[] large = Json.object("resourceType", "Patient", "text", "x".repeat(70 * 1024)).getBytes();
        assertJsonError(raw("POST", FHIR + "/Patient", "application/fhir+json", large), 413, "payload_too_large");
        assertJsonError(raw("POST", FHIR + "/Patient", "text/plain", "{}".getBytes()), 415, "unsupported_media_type");
        for (String path : List.of(FHIR, FHIR + "/Patient", FHIR + "/Communication", FHIR + "/Encounter/1")) {
            for (String method : List.of("POST", "PUT")) {
                for (byte[] body : List.of(nested(10_000).getBytes(), """
                        {"resourceType":%s}""".formatted(nested(5_000)).getBytes(),
                        "[[[[[[[[[[".getBytes(), new byte[] {(byte) 0xFF, (byte) 0xFE}, "{\"resourceType\":\"Nope\"}".getBytes())) {
                    HttpResponse<String> answer = raw(method, path, "application/fhir+json", body);
                    assertThat(answer.statusCode()).as(method + " " + path + ": " + answer.body()).isBetween(400, 499);
                    assertThat(answer.headers().firstValue("content-type").orElse("")).as(method + " " + path)
                            .containsIgnoringCase("json");
                    JSON.readTree(answer.body());
                }
            }
        }
    }
}
