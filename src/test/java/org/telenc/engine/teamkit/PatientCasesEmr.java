package org.telenc.engine.teamkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server standing in for the example patient-cases EMR
 * (routes/examples/patient-cases-emr): the API docs/route-authoring.md describes, under {@code /api/<practice
 * id>}, with demo data and switches for failures. Its state (cases, refill requests, pharmacy lists,
 * the requests it answered) is open to the test.
 *
 * <p>Demo data, practice {@value #PRACTICE}: MRN 100234 is patient 101 (four refillable medications,
 * oxycodone's refill always refused), 100236 is patient 102 (none), 100299 is two patients (103, 104).
 * Provider 12241, department 31, staff 12220 and 12222, pharmacies PH-2001 and PH-2002. Every call
 * needs {@code Authorization: Bearer }{@value #TOKEN}.
 */
public final class PatientCasesEmr implements AutoCloseable {

    public static final String PRACTICE = "195900";
    public static final String TOKEN = "team-emr-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A case as the EMR holds it: what was posted, its details, refill requests and notes. */
    public record Case(String id, String patientId, JsonNode created, Map<String, JsonNode> details,
            List<JsonNode> refills, List<JsonNode> notes) {
    }

    private final HttpServer server;
    private final Map<String, String> patientMrns = new LinkedHashMap<>();
    private final Map<String, List<String[]>> medications = new LinkedHashMap<>();
    private final Map<String, Case> cases = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> pharmacies = new ConcurrentHashMap<>();
    private final Map<String, String> idempotent = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger(5000);

    public volatile boolean refuseRefills;
    public volatile boolean refusePharmacies;
    public volatile boolean outage;
    public volatile boolean refuseToken;
    /** Once a case is created, every call answers 503 (an outage right after the write) until {@link #outage} is cleared. */
    public volatile boolean outageAfterCreate;
    /** The next case created answers 500 after storing it (a crash after the write): for so many creates. */
    public final AtomicInteger failAfterCreate = new AtomicInteger();

    public PatientCasesEmr() throws IOException {
        reset();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/", this::handle);
        server.start();
    }

    /** The demo data again, no cases, all switches off. */
    public synchronized void reset() {
        patientMrns.clear();
        patientMrns.put("101", "100234");
        patientMrns.put("102", "100236");
        patientMrns.put("103", "100299");
        patientMrns.put("104", "100299");
        medications.clear();
        medications.put("101", List.of(new String[] {"m-11", "Lisinopril 10 mg tablet"},
                new String[] {"m-12", "Metoprolol succinate ER 25 mg tablet"},
                new String[] {"m-13", "Metoprolol tartrate 50 mg tablet"}, new String[] {"m-14", "Oxycodone 5 mg tablet"}));
        medications.put("102", List.of());
        cases.clear();
        pharmacies.clear();
        idempotent.clear();
        requests.clear();
        refuseRefills = false;
        refusePharmacies = false;
        outage = false;
        refuseToken = false;
        outageAfterCreate = false;
        failAfterCreate.set(0);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
    }

    public List<Case> cases() {
        return List.copyOf(cases.values());
    }

    public List<Case> casesWithExternalId(String externalId) {
        return cases.values().stream().filter(c -> externalId.equals(c.created().path("external_id").asText())).toList();
    }

    public Set<String> pharmaciesOf(String patientId) {
        return Set.copyOf(pharmacies.getOrDefault(patientId, Set.of()));
    }

    /** "METHOD /path" of every request answered, in order (query strings left out). */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private static final Pattern PATH = Pattern.compile("/api/([^/]+)(/.*)");

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            requests.add(method + " " + rawPath);
            if (outage) {
                send(exchange, 503, "{\"error\":\"maintenance\"}");
                return;
            }
            if (refuseToken || !("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, "{\"error\":\"unauthorized\"}");
                return;
            }
            Matcher m = PATH.matcher(rawPath);
            if (!m.matches() || !PRACTICE.equals(m.group(1))) {
                send(exchange, 404, "{\"error\":\"no such practice\"}");
                return;
            }
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            String replay = key == null ? null : idempotent.get(method + " " + rawPath + " " + key);
            if (replay != null) {
                send(exchange, 200, replay);
                return;
            }
            byte[] in = exchange.getRequestBody().readAllBytes();
            JsonNode body = in.length == 0 ? JSON.createObjectNode() : JSON.readTree(in);
            String keyId = key == null ? null : method + " " + rawPath + " " + key;
            Answer answer = route(method, m.group(2), query(exchange.getRequestURI().getRawQuery()), body, keyId);
            if (keyId != null && answer.status() < 300) {
                idempotent.put(keyId, answer.body());
            }
            send(exchange, answer.status(), answer.body());
        }
    }

    private record Answer(int status, String body) {
        static Answer ok(Object json) {
            return new Answer(200, json.toString());
        }
    }

    private synchronized Answer route(String method, String path, Map<String, String> query, JsonNode body, String keyId) {
        String[] p = path.substring(1).split("/");
        ObjectNode out = JSON.createObjectNode();
        if (method.equals("GET") && p.length == 1) {
            switch (p[0]) {
                case "patients" -> {
                    ArrayNode list = out.putArray("patients");
                    patientMrns.forEach((id, mrn) -> {
                        if (mrn.equals(query.get("mrn"))) {
                            list.addObject().put("patient_id", id).put("mrn", mrn);
                        }
                    });
                    return Answer.ok(out);
                }
                case "providers" -> {
                    out.putArray("providers").addObject().put("provider_id", "12241").put("name", "Alice Morgan, MD")
                            .put("npi", "1234567893");
                    return Answer.ok(out);
                }
                case "departments" -> {
                    out.putArray("departments").addObject().put("department_id", "31").put("name", "Main Street Clinic")
                            .put("address", "1 Main Street").put("city", "Springfield").put("state", "IL").put("zip", "62701")
                            .put("phone", "555-0100");
                    return Answer.ok(out);
                }
                case "staff" -> {
                    ArrayNode staff = out.putArray("staff");
                    staff.addObject().put("staff_id", "12220").put("name", "Nina Patel, RN").put("role", "nurse");
                    staff.addObject().put("staff_id", "12222").put("name", "Front Desk").put("role", "front_desk");
                    return Answer.ok(out);
                }
                case "pharmacies" -> {
                    ArrayNode list = out.putArray("pharmacies");
                    list.addObject().put("pharmacy_id", "PH-2001").put("name", "CVS Pharmacy #1234").put("address", "2 Oak Ave");
                    list.addObject().put("pharmacy_id", "PH-2002").put("name", "Walgreens #88").put("address", "3 Elm St");
                    return Answer.ok(out);
                }
                default -> {
                    return new Answer(404, "{}");
                }
            }
        }
        if (p[0].equals("patients") && p.length >= 3) {
            String patient = p[1];
            if (!patientMrns.containsKey(patient)) {
                return new Answer(404, "{\"error\":\"no such patient\"}");
            }
            if (method.equals("GET") && p[2].equals("medications")) {
                ArrayNode list = out.putArray("medications");
                medications.getOrDefault(patient, List.of())
                        .forEach(m -> list.addObject().put("medication_id", m[0]).put("name", m[1]));
                return Answer.ok(out);
            }
            if (method.equals("GET") && p[2].equals("cases")) {
                ArrayNode list = out.putArray("cases");
                cases.values().stream().filter(c -> c.patientId().equals(patient)
                        && c.created().path("external_id").asText().equals(query.get("external_id")))
                        .forEach(c -> list.addObject().put("case_id", c.id()));
                return Answer.ok(out);
            }
            if (method.equals("POST") && p[2].equals("cases")) {
                if (body.path("external_id").asText().isEmpty()) {
                    return new Answer(400, "{\"error\":\"external_id required\"}");
                }
                String id = "case-" + ids.incrementAndGet();
                cases.put(id, new Case(id, patient, body, new ConcurrentHashMap<>(), new CopyOnWriteArrayList<>(),
                        new CopyOnWriteArrayList<>()));
                String created = JSON.createObjectNode().put("case_id", id).toString();
                if (outageAfterCreate) {
                    outage = true;
                }
                if (failAfterCreate.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    // stored with its Idempotency-Key, as a write and its key are one transaction; the answer is lost
                    if (keyId != null) {
                        idempotent.put(keyId, created);
                    }
                    return new Answer(500, "{\"error\":\"internal\"}");
                }
                return new Answer(201, created);
            }
            if (method.equals("PUT") && p[2].equals("pharmacies") && p.length == 4) {
                if (refusePharmacies) {
                    return new Answer(422, "{\"error\":\"pharmacy not accepted\"}");
                }
                pharmacies.computeIfAbsent(patient, k -> ConcurrentHashMap.newKeySet()).add(p[3]);
                return Answer.ok(out.put("pharmacy_id", p[3]));
            }
        }
        if (p[0].equals("cases") && p.length >= 2) {
            Case c = cases.get(p[1]);
            if (c == null) {
                return new Answer(404, "{\"error\":\"no such case\"}");
            }
            if (method.equals("GET") && p.length == 2) {
                return Answer.ok(out.put("case_id", c.id()).put("patient_id", c.patientId()));
            }
            if (method.equals("PUT") && p.length == 3 && p[2].equals("details")) {
                c.details().put("details", body);
                return Answer.ok(out.put("case_id", c.id()));
            }
            if (method.equals("POST") && p.length == 3 && p[2].equals("refill-requests")) {
                if (refuseRefills || "m-14".equals(body.path("medication_id").asText())) {
                    return new Answer(422, "{\"error\":\"refill not accepted\"}");
                }
                c.refills().add(body);
                return new Answer(201, out.put("refill_request_id", "rr-" + ids.incrementAndGet()).toString());
            }
            if (method.equals("POST") && p.length == 3 && p[2].equals("notes")) {
                c.notes().add(body);
                return new Answer(201, out.put("note_id", "note-" + ids.incrementAndGet()).toString());
            }
        }
        return new Answer(404, "{\"error\":\"no such resource\"}");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
