package org.telenc.engine.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The world around the engine under test, in the suite's own JVM: the {@link ExternalEmr} and the
 * {@link WebhookSink}, which outlive every engine process. {@link #run} gives a scenario a fresh
 * engine on a fresh data directory against a reset EMR and an empty, listening receiver, lets the
 * scenario do its damage, then counts the outcomes with {@link OutcomeCheck}.
 */
final class FaultRig implements AutoCloseable {

    private static final Duration SETTLE = Duration.ofSeconds(1);

    private final FaultSuiteSettings settings;
    private final Path runDir;
    private final ExternalEmr emr;
    private final WebhookSink receiver;
    private int scenarios;

    private FaultRig(FaultSuiteSettings settings, Path runDir, ExternalEmr emr, WebhookSink receiver) {
        this.settings = settings;
        this.runDir = runDir;
        this.emr = emr;
        this.receiver = receiver;
    }

    static FaultRig start(FaultSuiteSettings settings) throws Exception {
        Files.createDirectories(settings.workDir());
        Path runDir = Files.createTempDirectory(settings.workDir(), "run-");
        ExternalEmr emr = new ExternalEmr(Files.createDirectories(runDir.resolve("emr-tomcat")));
        WebhookSink receiver = new WebhookSink(FreePort.find());
        receiver.up();
        return new FaultRig(settings, runDir, emr, receiver);
    }

    ScenarioResult run(FaultScenario scenario) throws Exception {
        long begin = System.nanoTime();
        emr.faultSwitch().off();
        emr.store().reset();
        receiver.up();
        receiver.clear();
        Path dataDir = Files.createDirectories(runDir.resolve(++scenarios + "-" + scenario.id()));
        List<EncounterRequest> requests = DemoRequests.create(scenario.id(), settings.requests());
        List<String> notes = new ArrayList<>();
        EngineProcess engine;
        try {
            engine = new EngineProcess(settings, dataDir, emr.baseUrl(), receiver.url(), scenario.prepare(dataDir));
        } catch (Exception e) {
            scenario.cleanUp();
            return ScenarioResult.aborted(scenario.label(), seconds(begin), e.getClass().getSimpleName() + ": " + e.getMessage(),
                    List.of());
        }
        try (engine; LoadClient load = new LoadClient(engine.uri("/v1/telephone-encounters"), settings.threads(), settings.pace())) {
            ScenarioRun run = new ScenarioRun(settings, engine, emr, receiver, load, requests, notes);
            run.startEngine("first start");
            scenario.inject(run);
            OutcomeCheck.Tally tally = new OutcomeCheck(receiver, emr.store(), settings.deadline(), SETTLE,
                    scenario.expectsInternalError()).await(requests);
            notes.addAll(tally.notes());
            int sent = (int) requests.stream().filter(EncounterRequest::sent).count();
            String error = null;
            if (scenario.answersEveryAcceptedRequest() && (tally.unanswered() > 0 || run.acknowledged() < sent)) {
                error = "accepted requests went unanswered: " + tally.unanswered() + " accepted without an answer, "
                        + (sent - run.acknowledged()) + " of " + sent + " never acknowledged";
            }
            if (scenario.refusedRequestsLeaveNothing() && tally.unanswered() > 0) {
                error = tally.unanswered() + " request(s) refused or unanswered by the engine were processed anyway";
            }
            String own = scenario.verify(run);
            if (own != null) {
                error = error == null ? own : error + "; " + own;
            }
            engine.stop();
            ScenarioResult result = new ScenarioResult(scenario.label(), sent,
                    (int) run.acknowledged(), tally.completed(), tally.duplicates(), tally.lost(), tally.other(),
                    seconds(begin), error, notes);
            if (result.passed() && !settings.keepData()) {
                dropStores(dataDir);
            } else {
                notes.add("engine log and data kept: " + engine.log());
            }
            return result;
        } catch (Exception | AssertionError e) {
            notes.add("engine log and data kept: " + engine.log());
            return ScenarioResult.aborted(scenario.label(), seconds(begin), e.getClass().getSimpleName() + ": " + e.getMessage(),
                    List.copyOf(notes));
        } finally {
            emr.faultSwitch().off();
            scenario.cleanUp();
        }
    }

    /** A passing scenario keeps only its engine log: the broker journal alone is tens of MB. */
    private static void dropStores(Path dataDir) throws IOException {
        for (String store : List.of("activemq", "db", "shared-broker-store")) {
            Path dir = dataDir.resolve(store);
            if (Files.exists(dir)) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        }
    }

    private static double seconds(long begin) {
        return (System.nanoTime() - begin) / 1e9;
    }

    @Override
    public void close() throws Exception {
        receiver.close();
        emr.close();
    }
}
