package org.telenc.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.telenc.engine.sandbox.fhir.SandboxFhirConfiguration;

/**
 * The cost of an encounter against a patient's history: the packaged engine (embedded sandbox EMR,
 * fast path: the patient-with-orders batch and one transaction), one encounter in flight, refill
 * requests for a patient with 10 past orders and for one with 2,000 (ended prescriptions and refill
 * proposals, written to the sandbox before the run). Prints POST-to-webhook p50/p90 and the
 * process's CPU per encounter (engine and sandbox, one JVM), per patient; asserts nothing.
 *
 * <pre>
 * mvn -B -q package -DskipTests
 * java -cp target/test-classes:target/classes:$(cat target/benchmark/classpath.txt) \
 *   org.telenc.engine.bench.PatientHistoryBench [encounters per patient, default 200]
 * </pre>
 */
public final class PatientHistoryBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Patient(String label, String mrn, String patientId, int pastOrders) {
    }

    public static void main(String[] args) throws Exception {
        int encounters = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path jar;
        try (var jars = Files.list(Path.of("target"))) {
            jar = jars.filter(p -> p.getFileName().toString().matches("telephone-encounter-engine-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no engine jar in target/: mvn package -DskipTests"));
        }
        Path dir = Path.of("target", "benchmark", "patient-history");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try (BenchEngine engine = new BenchEngine(jar.toAbsolutePath(), dir.toAbsolutePath(), List.of("-Xmx512m"), false, List.of());
                WebhookReceiver receiver = new WebhookReceiver()) {
            engine.start(Duration.ofMinutes(8), true);
            Benchmark.registerOnlyWebhook(engine, receiver.url());
            // demo patients: 100234 (pat-1001) has 9 orders of its own, 100235 (pat-1002) none
            List<Patient> patients = List.of(new Patient("10 past orders", "100234", "pat-1001", 10),
                    new Patient("2,000 past orders", "100235", "pat-1002", 2000));
            writeOrders(http, engine, "pat-1001", 1, true);
            for (int written = 0; written < 2000; written += 100) { // the sandbox's request body limit: 100 a transaction
                writeOrders(http, engine, "pat-1002", 100, written == 0);
            }
            System.out.println("warm-up: " + 2 * encounters + " encounters, not measured");
            for (int i = 0; i < encounters; i++) {
                for (Patient patient : patients) {
                    submit(http, engine, receiver, patient.mrn());
                }
            }
            System.out.println(String.format(Locale.ROOT, "%-20s %10s %10s %10s %16s", "patient", "encounters", "p50 ms",
                    "p90 ms", "CPU ms/encounter"));
            for (int round = 0; round < 2; round++) {
                for (Patient patient : patients) {
                    List<Double> latencies = new ArrayList<>();
                    double cpuBefore = engine.cpuSeconds();
                    for (int i = 0; i < encounters; i++) {
                        latencies.add(submit(http, engine, receiver, patient.mrn()));
                    }
                    double cpuMs = (engine.cpuSeconds() - cpuBefore) * 1000 / encounters;
                    latencies.sort(Double::compare);
                    System.out.println(String.format(Locale.ROOT, "%-20s %10d %10.1f %10.1f %16.1f", patient.label(), encounters,
                            latencies.get(latencies.size() / 2), latencies.get(latencies.size() * 9 / 10), cpuMs));
                }
            }
            System.out.println("each encounter adds one refill proposal to its patient's history; the 2,000 are its floor.");
        }
    }

    /**
     * {@code count} ended orders and refill proposals for the patient (one transaction), and with
     * {@code active} one active order of Zetarolol, the drug the encounters ask to refill.
     */
    static void writeOrders(HttpClient http, BenchEngine engine, String patientId, int count, boolean active) throws Exception {
        ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
        ArrayNode entries = bundle.putArray("entry");
        String[] statuses = {"completed", "stopped", "draft"};
        for (int i = 0; i < count + (active ? 1 : 0); i++) {
            boolean current = i == count;
            ObjectNode order = JSON.createObjectNode().put("resourceType", "MedicationRequest")
                    .put("status", current ? "active" : statuses[i % 3]).put("intent", !current && i % 3 == 2 ? "proposal" : "order");
            order.putObject("subject").put("reference", "Patient/" + patientId);
            order.putObject("medicationCodeableConcept").put("text", current ? "Zetarolol 25 mg tablet" : "Historic drug " + i);
            ObjectNode entry = entries.addObject();
            entry.set("resource", order);
            entry.putObject("request").put("method", "POST").put("url", "MedicationRequest");
        }
        HttpResponse<String> written = http.send(HttpRequest.newBuilder(engine.uri(SandboxFhirConfiguration.BASE_PATH))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(bundle.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (written.statusCode() != 200) {
            throw new IllegalStateException("writing orders answered " + written.statusCode());
        }
    }

    /** One refill request for the patient, POST to webhook; milliseconds. */
    static double submit(HttpClient http, BenchEngine engine, WebhookReceiver receiver, String mrn) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("patient_mrn", mrn).put("provider_id", "12241").put("location_id", "31")
                .put("assigned_to_id", "12220").put("reason", "Refill").put("refill_medication_name", "zetarolol");
        long start = System.nanoTime();
        HttpResponse<String> accepted = http.send(BenchEngine.authenticated(engine.uri("/v1/telephone-encounters"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() != 200) {
            throw new IllegalStateException("POST answered " + accepted.statusCode());
        }
        String id = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
        WebhookReceiver.Arrival arrival = receiver.expect(id).get(120, TimeUnit.SECONDS);
        if (!"telephone_encounter.created".equals(arrival.type())) {
            throw new IllegalStateException("encounter ended " + arrival.type());
        }
        return (arrival.nanoTime() - start) / 1e6;
    }
}
