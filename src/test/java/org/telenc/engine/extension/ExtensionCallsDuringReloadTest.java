package org.telenc.engine.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.teamroutes.TeamRouteSwaps;
import org.telenc.engine.teamroutes.TeamRoutesReload;

/**
 * Calls of a team route at an extension point while the reload swaps that route, again and again:
 * four threads call a connection's {@code before-emr} route without pause while its file is
 * rewritten {@value #REWRITES} times, each version applied by the real reload before the next.
 * No call fails: a call runs wholly on one version of the route (the swap waits for the calls in
 * flight, a call waits for the swap). Without that, Camel's direct producer hands some calls to
 * the old route as it is stopped and removed (they failed with an IllegalStateException; at
 * {@code after-outcome} such a run was lost).
 */
class ExtensionCallsDuringReloadTest {

    static final int REWRITES = 40;
    static final int CALLERS = 4;
    static final String FILE = "clinic-s.camel.yaml";

    @TempDir
    Path folder;
    CamelContext camel;
    TeamRoutesReload reload;

    static String version(int n) {
        return """
                - route:
                    id: clinic-s-before-emr
                    description: changes nothing (version %1$d)
                    from:
                      uri: direct:clinic-s-before-emr
                      steps:
                        - setProperty:
                            name: clinic-s-version
                            constant: "%1$d"
                        - log:
                            message: "version %1$d"
                            loggingLevel: TRACE
                """.formatted(n);
    }

    @AfterEach
    void stop() {
        if (reload != null) {
            reload.stop();
        }
        if (camel != null) {
            camel.stop();
        }
    }

    @Test
    void noCallFailsWhileItsRouteIsSwappedAgainAndAgain() throws Exception {
        Files.writeString(folder.resolve(FILE), version(0));
        camel = new DefaultCamelContext();
        camel.start();
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("file:" + folder.resolve(FILE), version(0)));
        MeterRegistry meters = new SimpleMeterRegistry();
        TeamRouteSwaps swaps = new TeamRouteSwaps();
        reload = new TeamRoutesReload(camel, meters, folder.toString(), Duration.ofMillis(20), swaps, Duration.ofSeconds(10));
        reload.start();

        Map<String, Object> settings = Map.of("extensions", Map.of("before-emr", "clinic-s-before-emr"));
        EmrConnection connection = new EmrConnection("conn", "fhir-r4", "http://emr.invalid", EmrConnection.FhirSettings.defaults(),
                EmrAuthSettings.none(), "active", settings);
        EmrConnections connections = mock(EmrConnections.class);
        when(connections.settingsOf("conn")).thenReturn(settings);
        Extensions extensions = new Extensions(camel, connections, meters, new ObjectMapper(), swaps,
                Duration.ofSeconds(2));

        AtomicBoolean rewriting = new AtomicBoolean(true);
        AtomicLong calls = new AtomicLong();
        Map<String, Long> failures = new ConcurrentHashMap<>();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            running.add(callers.submit(() -> {
                while (rewriting.get()) {
                    try {
                        assertThat(extensions.beforeEmr(connection, Map.of("reason", "Refill"), Set.of("reason"))).isEmpty();
                    } catch (ExtensionFailedException e) {
                        failures.merge(e.getMessage(), 1L, Long::sum);
                    }
                    calls.incrementAndGet();
                }
                return null;
            }));
        }
        try {
            for (int n = 1; n <= REWRITES; n++) {
                Files.writeString(folder.resolve(FILE), version(n));
                double applied = n;
                await("version " + n + " applied").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                        .until(() -> meters.get("telenc.team.routes.reload").tag("result", "applied").counter().count() >= applied);
            }
        } finally {
            rewriting.set(false);
            for (Future<?> one : running) {
                one.get();
            }
            callers.shutdownNow();
        }
        assertThat(meters.get("telenc.team.routes.reload").tag("result", "refused").counter().count()).isZero();
        assertThat(calls.get()).as("calls made while the route was swapped").isGreaterThan(REWRITES * 10L);
        assertThat(failures).as("calls that failed while their route was swapped").isEmpty();
    }
}
