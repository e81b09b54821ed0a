package org.telenc.engine.teamroutes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * {@code engine.routes.extra-reload: true}: polls the team route folder every
 * {@code engine.routes.extra-reload-interval} and, when the files' text changed, checks the whole
 * folder as at start-up. Valid: the routes, route configurations and route templates of the files
 * last applied are removed and the new files' loaded ({@code result="applied"}). Invalid: one WARN
 * line per problem, every running route untouched ({@code result="refused"}). Polling reads through
 * symbolic links, so a ConfigMap mount's {@code ..data} swap is one change of the files' text.
 */
@Component
@ConditionalOnProperty(name = "engine.routes.extra-reload", havingValue = "true")
public class TeamRoutesReload {

    static final String METER = "telenc.team.routes.reload";
    private static final Logger LOG = LoggerFactory.getLogger(TeamRoutesReload.class);

    private final CamelContext camel;
    private final Path folder;
    private final Duration interval;
    private final Counter applied;
    private final Counter refused;
    private final TeamRouteFolder checks;
    private final TeamRouteSwaps swaps;
    /** How long a swap waits for the team route calls in flight ({@code engine.routes.extra-route-wait}). */
    private final Duration callsWait;
    private ScheduledExecutorService poller;
    /** What runs now, and the files' text last looked at (applied or refused). */
    private TeamRouteFolder.Scan running;
    private Map<String, String> seen;

    public TeamRoutesReload(CamelContext camel, MeterRegistry registry,
            @Value("${" + TeamRoutesStartup.LOCATION + "}") String location,
            @Value("${engine.routes.extra-reload-interval:5s}") Duration interval, TeamRouteSwaps swaps,
            @Value("${engine.routes.extra-route-wait:10s}") Duration callsWait) {
        this.camel = camel;
        this.swaps = swaps;
        this.callsWait = callsWait;
        this.folder = Path.of(location.strip());
        this.interval = interval;
        this.applied = counter(registry, "applied");
        this.refused = counter(registry, "refused");
        this.checks = TeamRoutesStartup.checks(camel);
        if (location.isBlank()) {
            throw new IllegalStateException("engine.routes.extra-reload needs engine.routes.extra-location");
        }
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder(METER).description("Changes of the team route folder applied or refused")
                .tag("result", result).register(registry);
    }

    @EventListener(ApplicationReadyEvent.class)
    public synchronized void start() {
        if (poller != null) {
            return;
        }
        running = checks.check(folder); // what start-up loaded (it passed the same checks)
        seen = running.files();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "team-routes-reload");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(50, interval.toMillis());
        poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
        LOG.info("team route files: watching {} every {} ms", folder, every);
    }

    @jakarta.annotation.PreDestroy
    public synchronized void stop() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    synchronized void poll() {
        try {
            if (!camel.isStarted()) {
                return;
            }
            TeamRouteFolder.Scan scan = checks.check(folder);
            if (scan.files().equals(seen)) {
                return; // unchanged since applied, or refused already (nothing new to say)
            }
            seen = scan.files();
            if (scan.valid() && scan.files().equals(running.files())) {
                // back to what runs (a refused file removed or undone): nothing to apply, nothing to count
                LOG.info("team route files: back to the running version, nothing to apply");
                return;
            }
            List<TeamRouteFolder.Problem> problems = new ArrayList<>(scan.problems());
            if (problems.isEmpty() && (!scan.ids("rest").isEmpty() || !running.ids("rest").isEmpty())) {
                problems.add(new TeamRouteFolder.Problem(folder.toString(), 0, 0,
                        "rest definitions are not reloaded; restart the engine to change them"));
            }
            if (!problems.isEmpty()) {
                problems.forEach(p -> LOG.warn("team route files: change refused, running routes kept: {}", p));
                refused.increment();
                return;
            }
            apply(scan);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the engine stops
        } catch (Exception e) {
            LOG.warn("team route files: reload check failed ({})", e.getClass().getName());
        }
    }

    private void apply(TeamRouteFolder.Scan scan) throws Exception {
        Exception[] failure = new Exception[1];
        // one swap, with the calls of team routes held off: the old version's removal, the new one's
        // loading and, should Camel refuse the new files, the old one's loading again
        boolean swapped = swaps.swap(callsWait, () -> {
            try {
                replace(running, scan);
            } catch (Exception e) {
                failure[0] = e;
                try {
                    replace(scan, running);
                } catch (Exception again) {
                    LOG.warn("team route files: loading the previous files failed too ({})", again.getClass().getName());
                    return;
                }
                LOG.info("team route files: the previous version runs again");
            }
        });
        if (!swapped) {
            // calls of team routes still in flight after the wait: nothing changed, the next poll tries again
            seen = running.files();
            LOG.warn("team route files: change postponed, team route calls still in flight after {} ms", callsWait.toMillis());
            return;
        }
        if (failure[0] != null) {
            TeamRoutesStartup.loadProblems(scan).forEach(p -> LOG.warn("team route files: change refused, running routes kept: {}", p));
            refused.increment(); // after the WARN lines: whoever sees the count sees why
            return;
        }
        running = scan;
        applied.increment();
        LOG.info("team route files: change applied, {} files, {} definitions", scan.files().size(), scan.definitions().size());
    }

    /** Removes what {@code old} defined and loads {@code now}'s files, as checked (not read again). */
    private void replace(TeamRouteFolder.Scan old, TeamRouteFolder.Scan now) throws Exception {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        List<String> routes = new ArrayList<>(old.ids("route"));
        routes.addAll(old.ids("templatedRoute"));
        for (String id : routes) {
            RouteDefinition definition = model.getRouteDefinition(id);
            if (definition != null) {
                model.removeRouteDefinition(definition);
            } else if (camel.getRoute(id) != null) {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            }
        }
        for (String id : old.ids("routeConfiguration")) {
            RouteConfigurationDefinition definition = model.getRouteConfigurationDefinition(id);
            if (definition != null) {
                model.removeRouteConfiguration(definition);
            }
        }
        for (String id : old.ids("routeTemplate")) {
            RouteTemplateDefinition definition = model.getRouteTemplateDefinition(id);
            if (definition != null) {
                model.removeRouteTemplateDefinition(definition);
            }
        }
        List<Resource> files = TeamRoutesStartup.resources(now);
        if (!files.isEmpty()) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(files);
        }
    }
}
