package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLHandshakeException;
import org.apache.camel.Exchange;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.emr.auth.EmrTlsSettings;
import org.telenc.engine.emr.fhir.FhirCall;
import org.telenc.engine.job.EmrFailures;
import org.telenc.engine.job.EmrRetryPolicy;
import org.telenc.engine.support.AdapterRouteTestSupport;
import org.telenc.engine.support.MutualTlsServer;

/**
 * Mutual TLS through the FHIR adapter's HTTP plumbing (fhir-r4-call, fhir-r4-http; camel-http not
 * replaced) against a real HTTPS server that requires a client certificate signed by the test CA:
 * the connection's certificate is presented and the call answered; without one the handshake is
 * refused (an I/O failure the engine retries, described without any detail of the call); trusting
 * only another CA the engine refuses the server. A connection without TLS settings keeps the JVM's
 * defaults (the test CA is not trusted there).
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = FhirHttpRoutesTest.Beans.class, properties = {
        "camel.main.routes-include-pattern=file:routes/_shared/emr-call-retries.camel.yaml,file:routes/emr/fhir-r4.camel.yaml",
        "engine.emr.retry.attempts=1", "engine.emr.retry.delay-ms=5", "engine.emr.circuit.minimum-calls=1000",
        "engine.emr.timeout-ms=4002"})
class FhirMutualTlsTest extends AdapterRouteTestSupport {

    static final Set<String> PLUMBING = Set.of("fhir-r4-call", "fhir-r4-http");
    static MutualTlsServer server;
    static final List<String> paths = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startEmr() {
        server = MutualTlsServer.start(exchange -> {
            paths.add(exchange.getRequestURI().toString());
            byte[] body = """
                    {"resourceType":"CapabilityStatement","status":"active"}""".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/fhir+json");
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
    void startCamel() throws Exception {
        server.clientSubjects().clear();
        paths.clear();
        if (!camel.isStarted()) {
            ModelCamelContext model = (ModelCamelContext) camel;
            List<RouteDefinition> others = model.getRouteDefinitions().stream().filter(r -> !PLUMBING.contains(r.getRouteId())).toList();
            model.removeRouteDefinitions(others);
            camel.start();
        }
    }

    static EmrTlsSettings tls(String certificate, String key, String ca) {
        return EmrTlsSettings.of(certificate == null ? null : MutualTlsServer.pem(certificate),
                key == null ? null : MutualTlsServer.pem(key), ca == null ? null : MutualTlsServer.pem(ca), Instant.now());
    }

    Exchange metadata(String connectionId, EmrTlsSettings tls) {
        EmrConnection connection = new EmrConnection(connectionId, "fhir-r4", server.url("/fhir"), EmrConnection.FhirSettings.defaults(),
                EmrAuthSettings.none(), "active", Map.of(), tls);
        return producer.send("direct:fhir-r4-call", exchange -> {
            exchange.setProperty(ExchangeProperties.EMR_CONNECTION, connection);
            exchange.getMessage().setBody(FhirCall.get("read-capabilities", connection.baseUrl() + "/metadata?_summary=true"));
        });
    }

    @Test
    void theConnectionsClientCertificateIsPresentedAndTheEmrAnswers() {
        Exchange done = metadata("fhir-mtls", tls("client.pem", "client-key.pem", "ca.pem"));
        assertThat(done.getException()).isNull();
        assertThat(done.getMessage().getBody(String.class)).contains("CapabilityStatement");
        assertThat(server.clientSubjects()).containsExactly("O=Test Clinic,CN=telenc-engine");
        assertThat(paths).as("the call's own URL, query included").containsExactly("/fhir/metadata?_summary=true");
    }

    @Test
    void anEcClientCertificateWorksToo() {
        Exchange done = metadata("fhir-mtls-ec", tls("client-ec.pem", "client-ec-key.pem", "ca.pem"));
        assertThat(done.getException()).isNull();
        assertThat(server.clientSubjects()).containsExactly("CN=telenc-engine-ec");
    }

    @Test
    void withoutAClientCertificateTheHandshakeIsRefused() {
        Exchange done = metadata("fhir-no-cert", tls(null, null, "ca.pem"));
        assertThat(done.getException()).isInstanceOf(IOException.class);
        assertThat(EmrRetryPolicy.retryable(done.getException())).isTrue();
        assertThat(EmrFailures.describe(done.getException())).isEqualTo("The EMR could not be reached");
        assertThat(server.clientSubjects()).isEmpty();
    }

    @Test
    void trustingAnotherCaTheEngineRefusesTheServer() {
        Exchange done = metadata("fhir-other-ca", tls("client.pem", "client-key.pem", "other-ca.pem"));
        assertThat(done.getException()).isInstanceOf(SSLHandshakeException.class);
        assertThat(server.clientSubjects()).isEmpty();
    }

    @Test
    void aConnectionWithoutTlsSettingsKeepsTheJvmsTrust() {
        Exchange done = metadata("fhir-default", EmrTlsSettings.none());
        assertThat(done.getException()).as("the test CA is not in the JVM's trust").isInstanceOf(SSLHandshakeException.class);
        assertThat(server.clientSubjects()).isEmpty();
    }
}
