package org.telenc.engine.faults;

import static org.awaitility.Awaitility.await;

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
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Team route reload under load: the engine runs with a team folder and reload on, the demo
 * connection's settings name the team's {@code before-emr} and {@code after-outcome} routes, and the
 * file is rewritten again and again while the requests are sent and processed. Every accepted
 * request must end in one webhook (the rig's tally), and every {@code after-outcome} run must
 * happen exactly once per job: the team's route writes one file per run, named by the encounter
 * id, which {@link #verify} counts.
 */
final class ReloadUnderLoad implements FaultScenario {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MIN_REWRITES = 5;

    private Path team;
    private Path runs;

    @Override
    public String id() {
        return "reload";
    }

    @Override
    public String label() {
        return "team route reload";
    }

    @Override
    public boolean answersEveryAcceptedRequest() {
        return true;
    }

    @Override
    public List<String> prepare(Path dataDir) throws Exception {
        team = Files.createDirectories(dataDir.resolve("team-routes"));
        runs = Files.createDirectories(dataDir.resolve("after-outcome-runs"));
        Files.writeString(team.resolve("clinic-reload.camel.yaml"), version(0));
        return List.of("--engine.routes.extra-location=" + team, "--engine.routes.extra-reload=true",
                "--engine.routes.extra-reload-interval=200ms");
    }

    String version(int n) {
        return """
                - route:
                    id: clinic-reload-before-emr
                    description: changes nothing (version %1$d)
                    from:
                      uri: direct:clinic-reload-before-emr
                      steps:
                        - setProperty:
                            name: clinic-reload-version
                            constant: "%1$d"
                - route:
                    id: clinic-reload-after-outcome
                    description: one file per run, named by the encounter (version %1$d)
                    from:
                      uri: direct:clinic-reload-after-outcome
                      steps:
                        - setHeader:
                            name: CamelFileName
                            simple: "${body[data][telephone_encounter_id]}-${exchangeId}.json"
                        - marshal:
                            json:
                              library: Jackson
                        - to:
                            id: clinic-reload-run-to-file
                            uri: file:%2$s
                """.formatted(n, runs.toAbsolutePath());
    }

    @Override
    public void inject(ScenarioRun run) throws Exception {
        selectTheTeamRoutes(run.engine());
        Instant from = Instant.now();
        LoadClient.LoadRun sending = run.load().start(run.requests());
        int rewrites = 0;
        long applied = applied(run.engine());
        // rewritten while requests are sent, then while they are processed, at least MIN_REWRITES times
        while (rewrites < MIN_REWRITES || !sending.awaitAcknowledged(run.requests().size(), Duration.ZERO)) {
            Files.writeString(team.resolve("clinic-reload.camel.yaml"), version(++rewrites));
            long before = applied;
            int rewrite = rewrites;
            applied = await("rewrite " + rewrite + " applied").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> applied(run.engine()), count -> count > before);
            if (rewrites > 200) {
                break;
            }
        }
        sending.awaitDone(Duration.ofMinutes(5));
        run.noteWindow("team route file rewritten " + rewrites + " times", from, Instant.now());
    }

    /** The demo connection(s) name the team's routes (the admin API checks that they are loaded). */
    private static void selectTheTeamRoutes(EngineProcess engine) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> listed = http.send(admin(engine, "/admin/v1/connections").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode connection : JSON.readTree(listed.body()).path("connections")) {
            ObjectNode settings = connection.path("settings").isObject() ? (ObjectNode) connection.path("settings").deepCopy()
                    : JSON.createObjectNode();
            settings.putObject("extensions").put("before-emr", "clinic-reload-before-emr")
                    .put("after-outcome", "clinic-reload-after-outcome");
            ObjectNode patch = JSON.createObjectNode();
            patch.set("settings", settings);
            HttpResponse<String> answer = http.send(admin(engine, "/admin/v1/connections/" + connection.path("name").asText())
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(patch))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("PATCH of the connection's settings answered " + answer.statusCode() + ": " + answer.body());
            }
        }
    }

    private static HttpRequest.Builder admin(EngineProcess engine, String path) {
        return HttpRequest.newBuilder(engine.uri(path)).header("Authorization", "Bearer demo-admin-token")
                .header("Content-Type", "application/json");
    }

    /** Reloads applied so far: the engine's INFO lines, counted. */
    private static long applied(EngineProcess engine) throws Exception {
        if (!Files.exists(engine.log())) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(engine.log(), StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains("team route files: change applied")).count();
        }
    }

    @Override
    public String verify(ScenarioRun run) throws Exception {
        List<EncounterRequest> requests = run.requests();
        Map<String, Long> byEncounter;
        try (Stream<Path> files = Files.list(runs)) {
            byEncounter = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.indexOf('-'))).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        }
        List<String> acknowledged = requests.stream().filter(EncounterRequest::acknowledged).map(EncounterRequest::encounterId).toList();
        long missing = acknowledged.stream().filter(id -> !byEncounter.containsKey(id)).count();
        long twice = byEncounter.values().stream().filter(n -> n > 1).count();
        long strangers = byEncounter.keySet().stream().filter(id -> !acknowledged.contains(id)).count();
        if (missing > 0 || twice > 0 || strangers > 0) {
            return "after-outcome runs: " + missing + " job(s) without one, " + twice + " run more than once, "
                    + strangers + " for no acknowledged request (of " + acknowledged.size() + ")";
        }
        return null;
    }
}
