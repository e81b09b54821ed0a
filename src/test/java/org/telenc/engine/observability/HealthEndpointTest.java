package org.telenc.engine.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.telenc.engine.emr.EmrCallGuard;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;

/**
 * A clinic whose EMR cannot be reached (a connection pointed at a closed port): liveness and
 * readiness stay 200 UP (they never include the EMR), while /actuator/health shows the
 * emrConnections component, and that connection in it, DEGRADED, still with HTTP 200.
 */
class HealthEndpointTest extends EngineTest {

    @Autowired
    EmrConnectionsHealth emrHealth;
    @Autowired
    EmrCallGuard guard;

    JsonNode admin(String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer demo-admin-token")
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    HttpResponse<String> actuator(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    @Test
    void anUnreachableEmrDegradesItsComponentButNeitherLivenessNorReadiness() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String name = "unreachable-" + UUID.randomUUID().toString().substring(0, 8);
        String id = admin("POST", "/admin/v1/connections", Json.object("name", name, "emr_type", "fhir-r4",
                "base_url", "http://127.0.0.1:" + closedPort + "/fhir")).path("connection").path("id").asText();
        try {
            // each sync tries the capability statement and the practitioners, each with its in-route retries:
            // both fail, and after two syncs the connection's circuit is open
            admin("POST", "/admin/v1/connections/" + name + "/sync", null);
            admin("POST", "/admin/v1/connections/" + name + "/sync", null);
            assertThat(guard.state(id)).isEqualTo("OPEN");

            HttpResponse<String> liveness = actuator("/actuator/health/liveness");
            assertThat(liveness.statusCode()).isEqualTo(200);
            JsonNode live = JSON.readTree(liveness.body());
            assertThat(live.path("status").asText()).isEqualTo("UP");
            assertThat(live.path("components").fieldNames()).toIterable().containsExactly("livenessState");

            HttpResponse<String> readiness = actuator("/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(200);
            JsonNode ready = JSON.readTree(readiness.body());
            assertThat(ready.path("status").asText()).isEqualTo("UP");
            assertThat(ready.path("components").fieldNames()).toIterable().containsExactlyInAnyOrder("readinessState", "db", "jms");

            HttpResponse<String> health = actuator("/actuator/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            JsonNode all = JSON.readTree(health.body());
            assertThat(all.path("status").asText()).isEqualTo("DEGRADED");
            JsonNode components = all.path("components");
            assertThat(components.path("db").path("status").asText()).isEqualTo("UP");
            assertThat(components.path("jms").path("status").asText()).isEqualTo("UP");
            assertThat(components.path("emrConnections").path("status").asText()).isEqualTo("DEGRADED");
            assertThat(components.path("emrConnections").path("components").path(id).path("status").asText()).isEqualTo("DEGRADED");
            assertThat(health.body()).as("details are for authorized callers only").doesNotContain("\"details\"")
                    .doesNotContain(String.valueOf(closedPort)).doesNotContain(name);

            // what the component knows about the connection, without calling it
            Health details = ((HealthIndicator) emrHealth.getContributor(id)).health();
            assertThat(details.getStatus()).isEqualTo(EmrConnectionsHealth.DEGRADED);
            assertThat(details.getDetails()).containsEntry("circuit", "OPEN").containsEntry("status", "active")
                    .containsEntry("last_synced_at", null).containsKey("last_sync_attempt");
            assertThat(details.getDetails().get("reasons")).asList().containsExactly("circuit_open", "last_sync_failed");
        } finally {
            admin("PATCH", "/admin/v1/connections/" + name, "{\"status\":\"disabled\"}");
        }
        JsonNode after = JSON.readTree(actuator("/actuator/health").body());
        assertThat(after.path("components").path("emrConnections").path("components").has(id))
                .as("a disabled connection is not reported").isFalse();
    }
}
