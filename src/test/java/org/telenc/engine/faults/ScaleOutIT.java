package org.telenc.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Encounter;
import org.junit.jupiter.api.Test;
import org.telenc.engine.broker.BrokerProcess;
import org.telenc.engine.support.TestDatabase;
import org.telenc.engine.support.Json;

/**
 * Scale-out (docs/operating.md): two packaged engines share one ActiveMQ broker (its own process) and one
 * PostgreSQL database, and consume as competing consumers. Each patient's requests are sent one
 * after the other, alternating between the two engines; patients run in parallel. Every request ends
 * in exactly one terminal event and one Encounter, both engines did work, and each patient's
 * encounters reach the EMR in the order they were accepted (message groups). Runs in the
 * ci-services profile (CI).
 */
class ScaleOutIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> PATIENTS = List.of("100234", "100235", "100236");
    static final int PER_PATIENT = 6;

    @Test
    void twoEnginesShareTheWorkWithoutDuplicatesAndKeepEachPatientsOrder() throws Exception {
        FaultSuiteSettings base = FaultSuiteSettings.fromSystemProperties();
        Path runDir = Files.createTempDirectory(Files.createDirectories(base.workDir()), "scale-out-");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String database = TestDatabase.newPostgresDatabase();
        try (BrokerProcess broker = new BrokerProcess();
                ExternalEmr emr = new ExternalEmr(Files.createDirectories(runDir.resolve("emr-tomcat")));
                WebhookSink receiver = new WebhookSink(FreePort.find())) {
            receiver.up();
            List<String> shared = new ArrayList<>(base.extraEngineArgs());
            shared.addAll(List.of("--engine.broker.embedded=false",
                    "--spring.activemq.broker-url=failover:(" + broker.url() + ")",
                    "--engine.broker.user=" + BrokerProcess.USER, "--engine.broker.password=" + BrokerProcess.PASSWORD,
                    "--spring.datasource.url=" + database, "--spring.datasource.username=postgres",
                    "--spring.datasource.password=", "--engine.secrets.key=" + Base64.getEncoder().encodeToString(key)));
            FaultSuiteSettings settings = new FaultSuiteSettings(base.engineJar(), base.requests(), base.outage(), base.scenarios(),
                    base.deadline(), base.pace(), base.threads(), base.workDir(), base.engineReadyTimeout(), shared,
                    base.keepData(), base.scenarioLimit());
            try (EngineProcess a = new EngineProcess(settings, Files.createDirectories(runDir.resolve("a")), emr.baseUrl(),
                    receiver.url());
                    EngineProcess b = new EngineProcess(settings, Files.createDirectories(runDir.resolve("b")), emr.baseUrl(),
                            receiver.url())) {
                a.start();
                b.start();
                HttpClient http = HttpClient.newHttpClient();
                Map<String, List<String>> sentByPatient = new ConcurrentHashMap<>();
                List<CompletableFuture<Void>> patients = new ArrayList<>();
                for (String mrn : PATIENTS) {
                    patients.add(CompletableFuture.runAsync(() -> {
                        List<String> ids = new ArrayList<>();
                        for (int i = 0; i < PER_PATIENT; i++) {
                            EngineProcess engine = i % 2 == 0 ? a : b;
                            ids.add(accept(http, engine, mrn));
                        }
                        sentByPatient.put(mrn, ids);
                    }));
                }
                CompletableFuture.allOf(patients.toArray(CompletableFuture[]::new)).join();

                List<String> all = sentByPatient.values().stream().flatMap(List::stream).toList();
                await("a terminal event for every request").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> terminalEncounters(receiver).size() >= all.size());
                // held for 1 s: one distinct terminal event per request (a duplicate would show up in this window)
                await("no duplicate terminal event").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                        .until(() -> receiver.received().stream().filter(e -> ReceivedEvent.TERMINAL_TYPES.contains(e.type()))
                                .filter(e -> all.contains(e.encounterId())).map(e -> e.encounterId() + "|" + e.eventId()).distinct().count() == all.size());

                Map<String, Long> distinctEvents = new LinkedHashMap<>();
                for (ReceivedEvent event : receiver.received()) {
                    if (ReceivedEvent.TERMINAL_TYPES.contains(event.type())) {
                        distinctEvents.merge(event.encounterId() + "|" + event.eventId(), 1L, Long::sum);
                    }
                }
                for (String id : all) {
                    long events = distinctEvents.keySet().stream().filter(k -> k.startsWith(id + "|")).count();
                    assertThat(events).as("distinct terminal events of " + id).isEqualTo(1);
                    assertThat(receiver.received().stream().filter(e -> id.equals(e.encounterId())).allMatch(
                            e -> ReceivedEvent.CREATED.equals(e.type()))).isTrue();
                }
                List<String> emrOrder = emr.store().all(Encounter.class).stream()
                        .map(e -> e.getIdentifier().stream().filter(i -> "urn:telenc:telephone-encounter".equals(i.getSystem()))
                                .findFirst().orElseThrow().getValue()).toList();
                assertThat(emrOrder).as("exactly one Encounter per request").hasSize(all.size()).doesNotHaveDuplicates();
                for (var patient : sentByPatient.entrySet()) {
                    List<String> written = emrOrder.stream().filter(patient.getValue()::contains).toList();
                    assertThat(written).as("encounters of one patient in acceptance order").containsExactlyElementsOf(patient.getValue());
                }
                Pattern processed = Pattern.compile("processing telephone encounter ([0-9a-f]{32})");
                int byA = a.distinctInLog(processed).size();
                int byB = b.distinctInLog(processed).size();
                System.out.printf("%nscale-out: %d requests over 2 engines; processed by A %d, by B %d; 0 duplicates%n",
                        all.size(), byA, byB);
                assertThat(byA).as("engine A consumed").isPositive();
                assertThat(byB).as("engine B consumed").isPositive();
            }
        }
    }

    static java.util.Set<String> terminalEncounters(WebhookSink receiver) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (ReceivedEvent event : receiver.received()) {
            if (ReceivedEvent.TERMINAL_TYPES.contains(event.type())) {
                ids.add(event.encounterId());
            }
        }
        return ids;
    }

    static String accept(HttpClient http, EngineProcess engine, String mrn) {
        try {
            String body = Json.object("patient_mrn", mrn, "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220");
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(engine.uri("/v1/telephone-encounters"))
                    .header("Content-Type", "application/json").header("client_id", EngineProcess.CLIENT_ID)
                    .header("client_secret", EngineProcess.CLIENT_SECRET).header("access_token", EngineProcess.ACCESS_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode() + " " + answer.path("error").asText());
            }
            return answer.path("telephone_encounter_id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
