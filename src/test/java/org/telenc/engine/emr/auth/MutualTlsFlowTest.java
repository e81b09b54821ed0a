package org.telenc.engine.emr.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.admin.AdminAuthenticator;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.MutualTlsServer;

/**
 * The whole flow against an EMR behind a gateway that demands a client certificate (a real HTTPS
 * server requiring TLS client auth, forwarding to the sandbox), with the connection's TLS part set
 * through the admin API: the key is stored sealed and never answered; with the certificate the job
 * creates the encounter (the gateway saw the certificate's subject); without it the handshake is
 * refused, the job waits for the EMR and, after the retry window, fails with emr_unavailable and a
 * description free of PHI; bad TLS settings are a 422 naming the field and change nothing.
 */
class MutualTlsFlowTest extends EngineTest {

    static final String ADMIN = "Bearer " + AdminAuthenticator.DEMO_TOKEN;
    static final String SUBJECT = "O=Test Clinic,CN=telenc-engine";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry meters;

    MutualTlsServer gateway;

    @BeforeEach
    void anEmrBehindMutualTls() {
        gateway = MutualTlsServer.start(MutualTlsServer.forwardingTo("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH));
    }

    @AfterEach
    void restore() {
        jdbc.update("update emr_connection set base_url = ?, credentials = null, status = 'active', capabilities = null where name = ?",
                EmrConnections.EMBEDDED_SANDBOX, DemoTenant.CONNECTION_NAME);
        gateway.close();
    }

    HttpResponse<String> patchConnection(ObjectNode body) throws Exception {
        return send(HttpRequest.newBuilder(uri("/admin/v1/connections/" + DemoTenant.CONNECTION_NAME))
                .header("Content-Type", "application/json").header("Authorization", ADMIN)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    static ObjectNode tls(String certificate, String key, String ca) {
        ObjectNode tls = JSON.createObjectNode();
        if (certificate != null) {
            tls.put("client_certificate_pem", MutualTlsServer.pem(certificate)).put("client_key_pem", MutualTlsServer.pem(key));
        }
        return ca == null ? tls : tls.put("ca_certificates_pem", MutualTlsServer.pem(ca));
    }

    JsonNode useGateway(ObjectNode tls) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("base_url", gateway.url("/fhir"));
        body.set("tls", tls);
        HttpResponse<String> answer = patchConnection(body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).path("connection");
    }

    String accept(String body) throws Exception {
        var response = post("/v1/telephone-encounters", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("telephone_encounter_id").asText();
    }

    String status(String id) throws Exception {
        return JSON.readTree(get("/v1/telephone-encounters/" + id).body()).path("telephone_encounter").path("status").asText();
    }

    /** EMR calls that got no answer (I/O failures) so far. */
    double unanswered() {
        return meters.find("telenc.emr.call").tag("outcome", "retryable").timers().stream().mapToDouble(t -> t.count()).sum();
    }

    String storedCredentials() {
        return jdbc.queryForObject("select credentials from emr_connection where name = ?", String.class, DemoTenant.CONNECTION_NAME);
    }

    @Test
    void withTheClientCertificateTheJobCreatesTheEncounter() throws Exception {
        JsonNode connection = useGateway(tls("client.pem", "client-key.pem", "ca.pem"));
        assertThat(connection.path("tls").path("client_certificate_set").asBoolean()).isTrue();
        assertThat(connection.path("tls").path("client_certificate_subject").asText()).isEqualTo(SUBJECT);
        assertThat(Instant.parse(connection.path("tls").path("client_certificate_expires_at").asText())).isAfter(Instant.now());
        assertThat(connection.path("tls").path("ca_certificates").asInt()).isEqualTo(1);
        assertThat(connection.toString()).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN CERTIFICATE");
        assertThat(storedCredentials()).as("sealed at rest").doesNotContain("PRIVATE KEY").doesNotContain("client_key_pem");

        String id = accept(encounterBody("100234", "lisinopril", "PH-2001"));
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).as(event.toString()).isEqualTo("telephone_encounter.created");
        assertThat(gateway.clientSubjects()).isNotEmpty().allMatch(SUBJECT::equals);

        // an update of the auth alone keeps the TLS part
        ObjectNode auth = JSON.createObjectNode();
        auth.set("auth", JSON.createObjectNode().put("type", "none"));
        HttpResponse<String> authOnly = patchConnection(auth);
        assertThat(authOnly.statusCode()).as(authOnly.body()).isEqualTo(200);
        assertThat(JSON.readTree(authOnly.body()).path("connection").path("tls").path("client_certificate_subject").asText())
                .isEqualTo(SUBJECT);
    }

    @Test
    void withoutTheClientCertificateTheJobWaitsThenFailsWithoutPhi() throws Exception {
        JsonNode connection = useGateway(tls(null, null, "ca.pem"));
        assertThat(connection.path("tls").path("client_certificate_set").asBoolean()).isFalse();

        double before = unanswered();
        String id = accept(encounterBody("100236", null, null));
        // each try makes 1 + 3 in-route redeliveries of find-patient, each refused in the handshake
        Awaitility.await("the first try, refused in the handshake").atMost(Duration.ofSeconds(30))
                .until(() -> unanswered() >= before + 4);
        assertThat(status(id)).isEqualTo("processing");
        // the window counts from acceptance: move the acceptance back beyond it
        jdbc.update("update telephone_encounter set created_at = ? where id = ?",
                java.sql.Timestamp.from(Instant.now().minus(Duration.ofHours(2))), id);

        String text = receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText();
        JsonNode event = JSON.readTree(text);
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(event.path("data").path("reasons").get(0).path("code").asText()).isEqualTo("emr_unavailable");
        // the refused handshakes are I/O failures; enough of them open the connection's circuit breaker,
        // and a try the breaker held back reads as the EMR being unavailable
        assertThat(event.path("data").path("failure_reason").asText()).isIn("The EMR could not be reached",
                "The EMR was unavailable (HTTP 503)");
        // the event names the client's own patient (patient_mrn); what it says about the failure names nothing
        assertThat(event.path("data").path("failure_reason").asText() + event.path("data").path("reasons"))
                .doesNotContain("100236").doesNotContain("127.0.0.1").doesNotContain("SSL").doesNotContain("Socket");
        assertThat(gateway.clientSubjects()).as("no request got through").isEmpty();
    }

    @Test
    void badTlsSettingsAre422NamingTheFieldAndChangeNothing() throws Exception {
        useGateway(tls("client.pem", "client-key.pem", "ca.pem"));
        String before = storedCredentials();
        String key = MutualTlsServer.pem("client-ec-key.pem");
        record Case(ObjectNode tls, String field) {
        }
        for (Case bad : new Case[] {
                new Case(tls("client.pem", "client-ec-key.pem", null), "tls.client_key_pem"),
                new Case(tls("client-expired.pem", "client-key.pem", null), "tls.client_certificate_pem"),
                new Case(tls("client.pem", "dsa-key.pem", null), "tls.client_key_pem"),
                new Case(JSON.createObjectNode().put("client_certificate_pem", "garbage").put("client_key_pem", key),
                        "tls.client_certificate_pem"),
                new Case(JSON.createObjectNode().put("ca_certificates_pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
                        "tls.ca_certificates_pem")}) {
            ObjectNode body = JSON.createObjectNode();
            body.set("tls", bad.tls());
            HttpResponse<String> refused = patchConnection(body);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
            JsonNode error = JSON.readTree(refused.body());
            assertThat(error.path("error").asText()).isEqualTo("invalid_tls_settings");
            assertThat(error.path("errors").get(0).path("field").asText()).as(refused.body()).isEqualTo(bad.field());
            assertThat(refused.body()).doesNotContain("PRIVATE KEY").doesNotContain(key.lines().skip(1).findFirst().orElseThrow());
        }
        assertThat(storedCredentials()).as("nothing lost").isEqualTo(before);
        // and a new connection with bad TLS settings is not made
        ObjectNode create = JSON.createObjectNode().put("name", "tls-refused").put("emr_type", "fhir-r4")
                .put("base_url", "https://emr.example/r4");
        create.set("tls", tls("client-expired.pem", "client-key.pem", null));
        HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/admin/v1/connections")).header("Content-Type", "application/json")
                .header("Authorization", ADMIN).POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(create))));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(jdbc.queryForObject("select count(*) from emr_connection where name = 'tls-refused'", Integer.class)).isZero();
        // a tls of null takes the TLS part off
        ObjectNode off = JSON.createObjectNode();
        off.putNull("tls");
        assertThat(JSON.readTree(patchConnection(off).body()).path("connection").has("tls")).isFalse();
    }
}
