package org.telenc.engine.teamkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrOperations.FindPatient;
import org.telenc.engine.emr.EmrOperations.PatientMatch;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.emr.auth.EmrTlsSettings;
import org.telenc.engine.job.EmrFailures;
import org.telenc.engine.job.EmrRetryPolicy;
import org.telenc.engine.support.MutualTlsServer;

/**
 * Mutual TLS through the REST transport template (the example adapter's find-patient, camel-http
 * not replaced) against a real HTTPS server that requires a client certificate signed by the test
 * CA: the connection's certificate is presented and the call answered (the server saw its subject);
 * a connection without one is refused in the handshake, a failure the engine retries and describes
 * without any detail of the call; a connection that trusts only another CA refuses the server; a
 * connection's replaced certificate is used from its next call on.
 */
@CamelSpringBootTest
@SpringBootTest(classes = TeamRouteTestSupport.Beans.class, properties = {
        "camel.main.routes-include-pattern=file:routes/_shared/emr-call-retries.camel.yaml,"
                + "file:routes/emr/rest-adapter.camel.yaml,file:routes/examples/patient-cases-emr/patient-cases.camel.yaml",
        "engine.emr.retry.attempts=1", "engine.emr.retry.delay-ms=5", "engine.emr.circuit.minimum-calls=1000",
        "engine.emr.timeout-ms=4001"})
class RestTransportMutualTlsTest extends TeamRouteTestSupport {

    static MutualTlsServer server;

    @BeforeAll
    static void startEmr() {
        server = MutualTlsServer.start(exchange -> {
            byte[] body = """
                    {"patients":[{"patient_id":"101"}]}""".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    @AfterAll
    static void stopEmr() {
        server.close();
    }

    @BeforeEach
    void clear() {
        server.clientSubjects().clear();
    }

    static EmrTlsSettings tls(String certificate, String key, String ca) {
        return EmrTlsSettings.of(certificate == null ? null : MutualTlsServer.pem(certificate),
                key == null ? null : MutualTlsServer.pem(key), MutualTlsServer.pem(ca), Instant.now());
    }

    EmrConnection connection(String id, EmrTlsSettings tls) {
        return new EmrConnection(id, "patient-cases", server.url("/api"), EmrConnection.FhirSettings.defaults(),
                EmrAuthSettings.apiKey("X-Clinic-Key", "k-1"), "active", Map.of("practice_id", "195900"), tls);
    }

    @Test
    void theConnectionsClientCertificateIsPresentedAndTheEmrAnswers() {
        Exchange done = call("patient-cases", "find-patient", connection("conn-mtls", tls("client.pem", "client-key.pem", "ca.pem")),
                new FindPatient("100234"));
        assertThat(result(done, PatientMatch.class).patientIds()).containsExactly("101");
        assertThat(server.clientSubjects()).containsExactly("O=Test Clinic,CN=telenc-engine");
    }

    @Test
    void withoutAClientCertificateTheHandshakeIsRefusedAndTheJobWouldBeRetried() {
        // the server's CA is trusted, but no client certificate: the server ends the handshake
        Exchange done = call("patient-cases", "find-patient", connection("conn-no-cert", tls(null, null, "ca.pem")),
                new FindPatient("100234"));
        assertThat(done.getException()).isInstanceOf(IOException.class);
        assertThat(EmrRetryPolicy.retryable(done.getException())).as("a job defers, the encounter is not lost").isTrue();
        assertThat(EmrFailures.safe(done.getException())).doesNotContain("100234", "127.0.0.1");
        assertThat(EmrFailures.describe(done.getException())).isEqualTo("The EMR could not be reached");
        assertThat(server.clientSubjects()).isEmpty();
    }

    @Test
    void aConnectionTrustingAnotherCaRefusesTheServer() {
        Exchange done = call("patient-cases", "find-patient", connection("conn-other-ca", tls("client.pem", "client-key.pem", "other-ca.pem")),
                new FindPatient("100234"));
        assertThat(done.getException()).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        assertThat(server.clientSubjects()).as("no request reached the server").isEmpty();
    }

    @Test
    void aReplacedCertificateIsUsedFromTheNextCallOn() {
        Exchange first = call("patient-cases", "find-patient", connection("conn-rotated", tls("client.pem", "client-key.pem", "ca.pem")),
                new FindPatient("100234"));
        Exchange second = call("patient-cases", "find-patient",
                connection("conn-rotated", tls("client-ec.pem", "client-ec-key.pem", "ca.pem")), new FindPatient("100234"));
        assertThat(result(first, PatientMatch.class).patientIds()).containsExactly("101");
        assertThat(result(second, PatientMatch.class).patientIds()).containsExactly("101");
        assertThat(server.clientSubjects()).containsExactly("O=Test Clinic,CN=telenc-engine", "CN=telenc-engine-ec");
    }
}
