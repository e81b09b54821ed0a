package org.telenc.engine.teamkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
 * The REST transport template follows pages (its page* parameters), against a real HTTP server
 * here, camel-http not replaced: a search answered in 3 pages by next link, and in 3 pages by
 * next-page token, becomes one answer the adapter maps as if it came in one piece; an EMR whose
 * pages never end is stopped at maxPages with a failure that says so; a next link to another host
 * is not followed (the connection's credentials go with every page).
 */
@CamelSpringBootTest
@SpringBootTest(classes = TeamRouteTestSupport.Beans.class, properties = {
        "camel.main.routes-include-pattern=file:routes/_shared/emr-call-retries.camel.yaml,"
                + "file:routes/emr/rest-adapter.camel.yaml,file:src/test/resources/rest-paging/paged-emr.camel.yaml",
        "engine.emr.retry.attempts=1", "engine.emr.retry.delay-ms=5", "engine.emr.circuit.minimum-calls=1000",
        "engine.emr.timeout-ms=4001"})
class RestTransportPagingTest extends TeamRouteTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static HttpServer server;
    static final List<String> uris = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startEmr() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // by next link: page 1 links to page 2 (absolute path), page 2 to page 3 (relative), page 3 to none
        server.createContext("/api/linked/patients", exchange -> {
            String page = param(exchange, "page", "1");
            ObjectNode body = patients(page);
            switch (page) {
                case "1" -> body.putObject("links").put("next", "/api/linked/patients?mrn=100234&page=2");
                case "2" -> body.putObject("links").put("next", "patients?mrn=100234&page=3");
                default -> body.putObject("links").putNull("next");
            }
            answer(exchange, body);
        });
        // by token: page 1 and 2 name the next page's token, page 3 none
        server.createContext("/api/tokens/patients", exchange -> {
            String token = param(exchange, "page_token", "");
            String page = switch (token) {
                case "" -> "1";
                case "t-2" -> "2";
                case "t-3" -> "3";
                default -> "?";
            };
            ObjectNode body = patients(page);
            if (!page.equals("3")) {
                body.put("next_page_token", "t-" + (Integer.parseInt(page) + 1));
            }
            answer(exchange, body);
        });
        // never ends: every page links to the next
        server.createContext("/api/endless/patients", exchange -> {
            int page = Integer.parseInt(param(exchange, "page", "1"));
            ObjectNode body = patients(String.valueOf(page));
            body.putObject("links").put("next", "/api/endless/patients?page=" + (page + 1));
            answer(exchange, body);
        });
        // links off the EMR's host
        server.createContext("/api/offsite/patients", exchange -> {
            ObjectNode body = patients("1");
            body.putObject("links").put("next", "http://192.0.2.10/api/offsite/patients?page=2");
            answer(exchange, body);
        });
        server.start();
    }

    static ObjectNode patients(String page) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("patients").addObject().put("patient_id", "p-" + page);
        return body;
    }

    static String param(HttpExchange exchange, String name, String otherwise) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith(name + "=")) {
                    return pair.substring(name.length() + 1);
                }
            }
        }
        return otherwise;
    }

    static void answer(HttpExchange exchange, ObjectNode body) throws IOException {
        uris.add(exchange.getRequestURI().toString());
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    static void stopEmr() {
        server.stop(0);
    }

    @BeforeEach
    void clear() {
        uris.clear();
    }

    EmrConnection connection(String type, String path) {
        return new EmrConnection("conn-" + path, type, "http://127.0.0.1:" + server.getAddress().getPort() + "/api/" + path,
                EmrConnection.FhirSettings.defaults(), EmrAuthSettings.none(), "active", Map.of());
    }

    @Test
    void threePagesByNextLinkAreOneAnswer() {
        Exchange done = call("paged", "find-patient", connection("paged", "linked"), new FindPatient("100234"));
        assertThat(result(done, PatientMatch.class).patientIds()).containsExactly("p-1", "p-2", "p-3");
        assertThat(uris).containsExactly("/api/linked/patients?mrn=100234", "/api/linked/patients?mrn=100234&page=2",
                "/api/linked/patients?mrn=100234&page=3");
    }

    @Test
    void threePagesByTokenAreOneAnswer() {
        Exchange done = call("tokened", "find-patient", connection("tokened", "tokens"), new FindPatient("100234"));
        assertThat(result(done, PatientMatch.class).patientIds()).containsExactly("p-1", "p-2", "p-3");
        assertThat(uris).containsExactly("/api/tokens/patients?mrn=100234", "/api/tokens/patients?mrn=100234&page_token=t-2",
                "/api/tokens/patients?mrn=100234&page_token=t-3");
    }

    @Test
    void pagesThatNeverEndStopAtMaxPages() {
        Exchange done = call("paged", "find-patient", connection("paged", "endless"), new FindPatient("100234"));
        assertThat(done.getException()).isInstanceOfSatisfying(EmrPermanentException.class,
                e -> assertThat(e.reasonCode()).isEqualTo("emr_rejected"))
                .hasMessageContaining("find-patient: the answer has more than 5 pages (maxPages of the template emr-rest-call)")
                .hasMessageNotContaining("127.0.0.1").hasMessageNotContaining("100234");
        assertThat(uris).as("maxPages pages asked for, then no more").hasSize(5);
    }

    @Test
    void aNextLinkToAnotherHostIsNotFollowed() {
        Exchange done = call("paged", "find-patient", connection("paged", "offsite"), new FindPatient("100234"));
        assertThat(done.getException()).isInstanceOf(EmrPermanentException.class)
                .hasMessageContaining("the next page link leaves the EMR's host").hasMessageNotContaining("192.0.2.10");
        assertThat(uris).hasSize(1);
    }
}
