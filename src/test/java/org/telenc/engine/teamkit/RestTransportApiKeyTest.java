package org.telenc.engine.teamkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.auth.EmrAuthSettings;

/**
 * A connection whose auth is {@code api-key} sends its key in its own header, through the REST
 * transport template, to a real HTTP server that checks it (the example adapter's find-patient,
 * camel-http not replaced): the right key is answered, a wrong one is refused (401,
 * login_required), no Authorization header is sent, and the key is not left on the answer.
 */
@CamelSpringBootTest
@SpringBootTest(classes = TeamRouteTestSupport.Beans.class, properties = {
        "camel.main.routes-include-pattern=file:routes/_shared/emr-call-retries.camel.yaml,"
                + "file:routes/emr/rest-adapter.camel.yaml,file:routes/examples/patient-cases-emr/patient-cases.camel.yaml",
        "engine.emr.retry.attempts=1", "engine.emr.retry.delay-ms=5", "engine.emr.circuit.minimum-calls=1000",
        // a context of its own: the route tests of the same files weave camel-http before Camel starts
        "engine.emr.timeout-ms=4000"})
class RestTransportApiKeyTest extends TeamRouteTestSupport {

    static final String HEADER = "X-Clinic-Key";
    static final String KEY = "k-3f9a1c";
    static HttpServer server;
    static final List<Map<String, List<String>>> received = new CopyOnWriteArrayList<>();
    static final List<String> uris = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startEmr() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.putAll(exchange.getRequestHeaders());
            received.add(headers);
            uris.add(exchange.getRequestURI().toString());
            boolean known = KEY.equals(exchange.getRequestHeaders().getFirst(HEADER));
            byte[] body = (known ? """
                    {"patients":[{"patient_id":"101"}]}""" : "{}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(known ? 200 : 401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterAll
    static void stopEmr() {
        server.stop(0);
    }

    @BeforeEach
    void clear() {
        received.clear();
        uris.clear();
    }

    EmrConnection connection(String key) {
        return new EmrConnection("conn-api-key", "patient-cases", "http://127.0.0.1:" + server.getAddress().getPort() + "/api",
                EmrConnection.FhirSettings.defaults(), EmrAuthSettings.apiKey(HEADER, key), "active", Map.of("practice_id", "195900"));
    }

    @Test
    void theKeyGoesInItsOwnHeaderAndTheEmrAnswers() {
        Exchange done = call("patient-cases", "find-patient", connection(KEY), new FindPatient("100234"));
        assertThat(result(done, PatientMatch.class).patientIds()).containsExactly("101");
        assertThat(received).hasSize(1);
        assertThat(uris).as("the call's own URL, query included, is what is sent").containsExactly("/api/195900/patients?mrn=100234");
        assertThat(received.get(0).keySet()).noneMatch(name -> name.equalsIgnoreCase("Authorization"));
        assertThat(done.getMessage().getHeaders()).as("the key is not left on the answer").doesNotContainKey(HEADER)
                .doesNotContainValue(KEY);
    }

    @Test
    void aKeyTheEmrRefusesIsLoginRequired() {
        Exchange done = call("patient-cases", "find-patient", connection("k-wrong"), new FindPatient("100234"));
        assertThat(done.getException()).isInstanceOfSatisfying(EmrPermanentException.class,
                e -> assertThat(e.reasonCode()).isEqualTo("login_required")).hasMessageNotContaining("k-wrong");
        assertThat(received).hasSize(1);
        assertThat(received.get(0).get(HEADER)).containsExactly("k-wrong");
    }
}
