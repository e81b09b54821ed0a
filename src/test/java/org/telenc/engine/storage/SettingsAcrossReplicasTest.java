package org.telenc.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.EngineApplication;
import org.telenc.engine.admin.AdminAuthenticator;
import org.telenc.engine.broker.BrokerIdentity;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;
import org.telenc.engine.support.TestDatabase;

/**
 * Two engines on one broker and one database, as replicas run (docs/operating.md, "Connection
 * settings cache"): this test's engine and a second Spring context started beside it, sharing its
 * embedded broker (vm://) and its database. Both keep settings for 10 minutes, so only the
 * invalidation message on the broker topic can bring an operator's change made through one to the
 * other within the few seconds waited here. On the engine that made it, the change applies to the
 * very next request.
 */
class SettingsAcrossReplicasTest extends EngineTest {

    static final String ADMIN = "Bearer " + AdminAuthenticator.DEMO_TOKEN;
    static final Duration PROMPTLY = Duration.ofSeconds(10);
    static final Path DATA = Path.of("target", "test-data", "settings-replicas-" + UUID.randomUUID()).toAbsolutePath();
    static final String BROKER = "engine-settings-replicas-" + UUID.randomUUID();
    static final Path TEAM_ROUTES = Path.of("target", "test-data", "settings-replicas-routes-" + UUID.randomUUID()).toAbsolutePath();
    static ConfigurableApplicationContext other;

    static {
        try {
            Files.createDirectories(TEAM_ROUTES);
            Files.writeString(TEAM_ROUTES.resolve("closed.camel.yaml"), """
                    - route:
                        id: test-replica-clinic-closed
                        description: "Refuses every request: the clinic is closed"
                        from:
                          uri: direct:test-replica-clinic-closed
                          steps:
                            - setBody:
                                method:
                                  ref: extensions
                                  method: "rejectInvalid('clinic_closed', 'The clinic takes no telephone requests today.')"
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void engine(DynamicPropertyRegistry registry) {
        // an engine of its own (as EngineTest.ownEngine), with the data directory and broker name the other replica needs
        registry.add("engine.test.data-dir", DATA::toString);
        registry.add("engine.test.broker-name", () -> BROKER);
        registry.add("engine.test.broker-url", () -> "vm://" + BROKER + "?create=false");
        registry.add("engine.test.stomp-connector", () -> "");
        registry.add("engine.test.amqp-connector", () -> "");
        if (TestDatabase.postgresql()) {
            String url = TestDatabase.newPostgresDatabase();
            registry.add("engine.test.datasource-url", () -> url);
        }
        registry.add("engine.routes.extra-location", TEAM_ROUTES::toString);
        registry.add("engine.connections.cache-ttl", () -> "10m");
    }

    @Autowired
    Environment environment;

    /** This engine's login on its embedded broker, which the other replica uses as a replica's configured broker user. */
    @Autowired
    BrokerIdentity brokerIdentity;

    /** The second replica: no broker of its own (this engine's, over vm://), this engine's database and data. */
    @BeforeEach
    void startTheOtherReplica() {
        if (other != null) {
            return;
        }
        other = new SpringApplicationBuilder(EngineApplication.class).run("--server.port=0",
                "--engine.data-dir=" + DATA, "--engine.broker.embedded=false",
                "--spring.activemq.broker-url=vm://" + BROKER + "?create=false",
                "--engine.broker.user=" + brokerIdentity.user(), "--engine.broker.password=" + brokerIdentity.password(),
                "--engine.broker.tcp-connector=", "--engine.broker.stomp-connector=", "--engine.broker.amqp-connector=",
                "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                "--spring.datasource.username=" + environment.getProperty("spring.datasource.username", ""),
                "--spring.datasource.password=" + environment.getProperty("spring.datasource.password", ""),
                "--engine.routes.extra-location=" + TEAM_ROUTES, "--engine.connections.cache-ttl=10m",
                "--engine.sync.initial-delay-ms=600000", "--engine.watchdog.period-ms=3600000",
                "--engine.login-throttle.client-failures=1000000", "--engine.login-throttle.source-failures=1000000");
    }

    @AfterAll
    static void stopTheOtherReplica() {
        if (other != null) {
            other.close();
            other = null;
        }
    }

    URI otherUri(String path) {
        return URI.create("http://127.0.0.1:" + ((WebServerApplicationContext) other).getWebServer().getPort() + path);
    }

    HttpResponse<String> admin(URI uri, String method, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json").header("Authorization", ADMIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> postWithToken(String token) throws Exception {
        return send(HttpRequest.newBuilder(uri("/v1/telephone-encounters")).header("Content-Type", "application/json")
                .header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET).header("access_token", token)
                .POST(HttpRequest.BodyPublishers.ofString(encounterBody("100234", null, null))));
    }

    /** A new access token of the demo client for the sandbox connection, issued through {@code uri}'s engine. */
    JsonNode issueToken(URI uri) throws Exception {
        HttpResponse<String> issued = admin(uri, "POST", Json.object("connection", DemoTenant.CONNECTION_NAME,
                "emr_user_ehr_id", "12220", "access_token_reference_id", "replica-" + UUID.randomUUID()));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        return JSON.readTree(issued.body());
    }

    @Test
    void aTokenRevokedThroughTheOtherReplicaIsRefusedHerePromptly() throws Exception {
        JsonNode issued = issueToken(otherUri("/admin/v1/clients/" + CLIENT_ID + "/access-tokens"));
        String token = issued.path("access_token").asText();
        String tokenId = issued.path("access_token_info").path("id").asText();
        HttpResponse<String> accepted = postWithToken(token); // now cached here
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(postWithToken(token).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = admin(otherUri("/admin/v1/clients/" + CLIENT_ID + "/access-tokens/" + tokenId), "DELETE", null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        await().atMost(PROMPTLY).untilAsserted(() -> assertThat(postWithToken(token).statusCode()).isEqualTo(401));
    }

    @Test
    void aTokenRevokedHereIsRefusedOnTheNextRequest() throws Exception {
        JsonNode issued = issueToken(uri("/admin/v1/clients/" + CLIENT_ID + "/access-tokens"));
        String token = issued.path("access_token").asText();
        assertThat(postWithToken(token).statusCode()).isEqualTo(200);
        assertThat(admin(uri("/admin/v1/clients/" + CLIENT_ID + "/access-tokens/" + issued.path("access_token_info").path("id")
                .asText()), "DELETE", null).statusCode()).isEqualTo(200);
        assertThat(postWithToken(token).statusCode()).isEqualTo(401);
    }

    @Test
    void connectionSettingsChangedThroughTheOtherReplicaApplyHerePromptly() throws Exception {
        URI connection = otherUri("/admin/v1/connections/" + DemoTenant.CONNECTION_NAME);
        assertThat(post("/v1/telephone-encounters", encounterBody("100235", null, null)).statusCode()).isEqualTo(200);
        try {
            HttpResponse<String> patched = admin(connection, "PATCH", """
                    {"settings": {"extensions": {"accepting": "test-replica-clinic-closed"}}}""");
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
            await().atMost(PROMPTLY).untilAsserted(() -> {
                HttpResponse<String> refused = post("/v1/telephone-encounters", encounterBody("100235", null, null));
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
                assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("clinic_closed");
            });
        } finally {
            assertThat(admin(connection, "PATCH", """
                    {"settings": {"extensions": null}}""").statusCode()).isEqualTo(200);
        }
        await().atMost(PROMPTLY).untilAsserted(() ->
                assertThat(post("/v1/telephone-encounters", encounterBody("100235", null, null)).statusCode()).isEqualTo(200));
    }
}
