package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.FaultyEmrProxy;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.support.Json;

/**
 * One dead EMR does not starve the others: the dead clinic's circuit opens, its jobs wait without
 * calling it, and another clinic's request is processed meanwhile; when the dead one is back, its
 * jobs complete.
 */
class EmrCircuitBreakerFlowTest extends EngineTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmrCallGuard guard;

    FaultyEmrProxy dead;

    @AfterEach
    void restore() {
        jdbc.update("update emr_connection set base_url = ? where name = ?", EmrConnections.EMBEDDED_SANDBOX,
                DemoTenant.CONNECTION_NAME);
        if (dead != null) {
            dead.close();
        }
    }

    JsonNode admin(String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer demo-admin-token")
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void aDeadClinicsCircuitOpensAndAnotherClinicIsServedMeanwhile() throws Exception {
        // another clinic, healthy, for the same client
        String clinic = "healthy-" + UUID.randomUUID().toString().substring(0, 8);
        admin("POST", "/admin/v1/connections", Json.object("name", clinic, "emr_type", "fhir-r4", "base_url", "embedded:sandbox"));
        admin("POST", "/admin/v1/connections/" + clinic + "/sync", null);
        String token = admin("POST", "/admin/v1/clients/" + CLIENT_ID + "/access-tokens", Json.object("connection", clinic,
                "emr_user_ehr_id", "12222", "access_token_reference_id", clinic)).path("access_token").asText();

        // the demo clinic's EMR goes dead
        dead = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        dead.outage(true);
        jdbc.update("update emr_connection set base_url = ? where name = ?", dead.baseUrl(), DemoTenant.CONNECTION_NAME);
        String demoConnection = jdbc.queryForObject("select id from emr_connection where name = ?", String.class,
                DemoTenant.CONNECTION_NAME);
        String waiting = JSON.readTree(post("/v1/telephone-encounters", encounterBody("100236", null, null)).body())
                .path("telephone_encounter_id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> "OPEN".equals(guard.state(demoConnection)));
        assertThat(guard.state(demoConnection)).isEqualTo("OPEN");

        HttpResponse<String> other = send(HttpRequest.newBuilder(uri("/v1/telephone-encounters")).header("Content-Type", "application/json")
                .header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET).header("access_token", token)
                .POST(HttpRequest.BodyPublishers.ofString(encounterBody("100234", null, null))));
        String served = JSON.readTree(other.body()).path("telephone_encounter_id").asText();
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(served), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(event.path("access_token_reference_id").asText()).isEqualTo(clinic);
        assertThat(receiver.received().stream().anyMatch(r -> r.bodyText().contains(waiting))).as("the dead clinic's job waits").isFalse();

        int refusedWhileOpen = dead.refused();
        dead.outage(false);
        JsonNode late = JSON.readTree(receiver.awaitOne(b -> b.contains(waiting), Duration.ofSeconds(30)).bodyText());
        assertThat(late.path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(refusedWhileOpen).as("calls reached the dead EMR only until the circuit opened").isLessThanOrEqualTo(12);
    }
}
