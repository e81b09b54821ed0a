package org.telenc.engine.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route a job passes through throws on every delivery: a team {@code before-emr} route
 * ({@code before-emr-throws}), or a YAML adapter route whose mapping throws on every run,
 * {@code emrRecords.result('NoSuchRecord', ...)} ({@code adapter-throws}: the call resolves and its
 * mapping is JsonPath, so the start-up check passes it; a misspelt method name or an old dotted
 * mapping would stop the start-up instead). Every acknowledged request must end
 * {@code failed} ({@code internal_error}) with exactly one webhook and no Encounter, after the
 * broker redelivered it on schedule: each gap between two deliveries of a job, read from the
 * engine's log, at least 0.8 x its delay (1 s doubling to 2 s here, 3 redeliveries). Nothing may be
 * left on the requests' dead-letter queue, and each request's status must answer {@code failed}.
 */
final class JobThrows implements FaultScenario {

    static final int REDELIVERIES = 3;
    static final long INITIAL_DELAY_MS = 1000;
    static final long MAXIMUM_DELAY_MS = 2000;
    static final double TOLERANCE = 0.8;
    private static final String ADMIN = "Bearer demo-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The consumer's log line per delivery of a job: its time and the request. */
    private static final Pattern DELIVERY = Pattern.compile("^(\\S+Z) .*processing telephone encounter ([0-9a-f]{32}) job ");

    private final boolean adapter;

    private JobThrows(boolean adapter) {
        this.adapter = adapter;
    }

    static JobThrows beforeEmr() {
        return new JobThrows(false);
    }

    static JobThrows adapterThrows() {
        return new JobThrows(true);
    }

    @Override
    public String id() {
        return adapter ? "adapter-throws" : "before-emr-throws";
    }

    @Override
    public String label() {
        return adapter ? "adapter route throws at run time" : "team before-emr route throws";
    }

    @Override
    public boolean expectsInternalError() {
        return true;
    }

    @Override
    public List<String> prepare(Path dataDir) throws Exception {
        Path team = Files.createDirectories(dataDir.resolve("team-routes"));
        if (adapter) {
            String example = Files.readString(Path.of("routes/examples/patient-cases-emr/patient-cases.camel.yaml"));
            String start = "uri: direct:emr-patient-cases-find-patient\n      steps:\n";
            if (!example.contains(start)) {
                throw new IllegalStateException("the example adapter's find-patient route has changed");
            }
            Files.writeString(team.resolve("patient-cases.camel.yaml"), example.replace(start, start + """
                            - setBody:
                                method:
                                  ref: emrRecords
                                  method: "result('NoSuchRecord', 'patientIds=$.patients[*].patient_id', ${body})"
                    """));
        } else {
            Files.writeString(team.resolve("always-throws.camel.yaml"), """
                    - route:
                        id: always-throws-before-emr
                        description: a before-emr route whose lookup is always down
                        from:
                          uri: direct:always-throws-before-emr
                          steps:
                            - throwException:
                                exceptionType: java.lang.IllegalStateException
                                message: the team's lookup is down
                    """);
        }
        return List.of("--engine.routes.extra-location=" + team.toAbsolutePath(),
                "--engine.broker.redelivery.maximum-redeliveries=" + REDELIVERIES,
                "--engine.broker.redelivery.initial-delay=" + INITIAL_DELAY_MS + "ms",
                "--engine.broker.redelivery.maximum-delay=" + MAXIMUM_DELAY_MS + "ms");
    }

    @Override
    public void inject(ScenarioRun run) throws Exception {
        ObjectNode change = JSON.createObjectNode();
        if (adapter) {
            // the demo connection becomes one of the broken adapter's type (its references stay synced)
            change.put("emr_type", "patient-cases").set("settings", JSON.createObjectNode().put("practice_id", "1"));
        } else {
            change.set("settings", JSON.createObjectNode().set("extensions",
                    JSON.createObjectNode().put("before-emr", "always-throws-before-emr")));
        }
        HttpResponse<String> patched = send(run, HttpRequest.newBuilder(run.engine().uri("/admin/v1/connections/sandbox"))
                .header("Authorization", ADMIN).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(change.toString())));
        if (patched.statusCode() != 200) {
            throw new IllegalStateException("PATCH of the demo connection answered " + patched.statusCode());
        }
        run.load().sendAll(run.requests());
    }

    @Override
    public String verify(ScenarioRun run) throws Exception {
        List<String> errors = new ArrayList<>();
        Map<String, List<Instant>> deliveries = deliveries(run.engine().log());
        double worst = Double.MAX_VALUE;
        int gaps = 0;
        for (EncounterRequest request : run.requests()) {
            if (!request.acknowledged()) {
                continue;
            }
            // one line per delivery, and one more where the failure path rebuilds the job to end it
            List<Instant> lines = deliveries.getOrDefault(request.encounterId(), List.of());
            if (lines.size() != 2 + REDELIVERIES) {
                errors.add(request.encounterId() + " was processed " + lines.size() + " time(s), not 1 + " + REDELIVERIES
                        + " deliveries and its failure");
                continue;
            }
            List<Instant> times = lines.subList(0, 1 + REDELIVERIES);
            long delay = INITIAL_DELAY_MS;
            Instant previous = null;
            for (Instant at : times) {
                if (previous != null) {
                    double ratio = Duration.between(previous, at).toMillis() / (double) delay;
                    worst = Math.min(worst, ratio);
                    gaps++;
                    if (ratio < TOLERANCE) {
                        errors.add(request.encounterId() + ": a gap of " + Duration.between(previous, at).toMillis()
                                + " ms where " + delay + " ms were scheduled");
                    }
                    delay = Math.min(delay * 2, MAXIMUM_DELAY_MS);
                }
                previous = at;
            }
            JsonNode status = JSON.readTree(send(run, HttpRequest.newBuilder(
                    run.engine().uri("/v1/telephone-encounters/" + request.encounterId()))
                    .header("client_id", EngineProcess.CLIENT_ID).header("client_secret", EngineProcess.CLIENT_SECRET)
                    .header("access_token", EngineProcess.ACCESS_TOKEN).GET()).body());
            String state = status.path("telephone_encounter").path("status").asText();
            if (!"failed".equals(state)) {
                errors.add(request.encounterId() + " status " + state + ", not failed");
            }
        }
        if (gaps > 0) {
            run.note(String.format(Locale.ROOT, "redelivery gaps measured: %d, the shortest %.2f x its scheduled delay", gaps,
                    worst));
        }
        double dead = deadLetters(run);
        run.note("DLQ.telephone-encounters.requests depth at the end: " + (long) dead);
        if (dead != 0) {
            errors.add(dead + " message(s) on DLQ.telephone-encounters.requests");
        }
        return errors.isEmpty() ? null : String.join("; ", errors.subList(0, Math.min(5, errors.size())))
                + (errors.size() > 5 ? "; ... (" + errors.size() + " in all)" : "");
    }

    /** Per request id, the time of each of its deliveries, in the log's order. */
    static Map<String, List<Instant>> deliveries(Path log) throws Exception {
        Map<String, List<Instant>> byRequest = new HashMap<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = DELIVERY.matcher(line);
            if (m.find()) {
                byRequest.computeIfAbsent(m.group(2), k -> new ArrayList<>()).add(Instant.parse(m.group(1)));
            }
        }
        return byRequest;
    }

    private static double deadLetters(ScenarioRun run) throws Exception {
        String metrics = send(run, HttpRequest.newBuilder(run.engine().uri("/actuator/prometheus")).GET()).body();
        for (String line : metrics.lines().toList()) {
            if (line.startsWith("telenc_queue_depth{") && line.contains("queue=\"DLQ.telephone-encounters.requests\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static HttpResponse<String> send(ScenarioRun run, HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
