package org.telenc.engine.teamroutes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * {@code engine.routes.extra-location}: a folder of an integration team's {@code *.camel.yaml} files
 * (say, a mounted ConfigMap), loaded beside the built-in routes. Camel calls this after it has read
 * the built-in files and before it starts any route: the folder is checked ({@link TeamRouteFolder});
 * any problem stops start-up with every problem of every file in one message; otherwise the files,
 * as checked, are loaded, and start with the engine's routes. Read from the final environment, so a
 * test's {@code @DynamicPropertySource} sets it as any other key.
 */
@Component
public class TeamRoutesStartup implements CamelContextConfiguration {

    public static final String LOCATION = "engine.routes.extra-location";
    private static final Logger LOG = LoggerFactory.getLogger(TeamRoutesStartup.class);

    private final String location;

    public TeamRoutesStartup(@Value("${" + LOCATION + ":}") String location) {
        this.location = location.strip();
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        if (location.isEmpty()) {
            return;
        }
        TeamRouteFolder.Scan scan = checks(camel).check(Path.of(location));
        if (!scan.valid()) {
            throw refused(scan.folder(), scan.report());
        }
        try {
            PluginHelper.getRoutesLoader(camel).loadRoutes(resources(scan));
        } catch (Exception e) {
            throw refused(scan.folder(), scan.withProblems(loadProblems(scan)).report());
        }
        LOG.info("team route files: loaded {} files, {} definitions from {}", scan.files().size(), scan.definitions().size(), scan.folder());
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
    }

    /** The checks, knowing the running engine's beans and properties besides the class path's. */
    static TeamRouteFolder checks(CamelContext camel) {
        return TeamRouteFolder.withBuiltInRoutesOf(TeamRoutesStartup.class.getClassLoader()).knowing(name -> {
            try {
                Object bean = camel.getRegistry().lookupByName(name);
                return bean == null ? null : org.springframework.aop.support.AopUtils.getTargetClass(bean);
            } catch (RuntimeException e) {
                return null;
            }
        }, key -> {
            try {
                return camel.getPropertiesComponent().resolveProperty(key).isPresent();
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    /**
     * The refusal, logged once here with every problem; the exception (which Spring logs, with its
     * causes, more than once) says only where to look.
     */
    private static TeamRoutesRefusedException refused(Path folder, String report) {
        LOG.error("{}", report);
        return new TeamRoutesRefusedException("team route files in " + folder + " refused; the problems are logged above", report);
    }

    /**
     * Which files Camel does not load, each tried alone in a context of its own that starts nothing
     * (Camel's own error names no file): {@code file: Camel could not load it (exception class)}.
     * When each file loads alone, the problem is between them and all are named.
     */
    static List<TeamRouteFolder.Problem> loadProblems(TeamRouteFolder.Scan scan) {
        List<TeamRouteFolder.Problem> problems = new ArrayList<>();
        String prefix = scan.folder().getFileName() == null ? "" : scan.folder().getFileName() + "/";
        for (Resource file : resources(scan)) {
            String name = prefix + Path.of(file.getLocation().substring("file:".length())).getFileName();
            try (org.apache.camel.impl.DefaultCamelContext probe = new org.apache.camel.impl.DefaultCamelContext(false)) {
                probe.build();
                PluginHelper.getRoutesLoader(probe).loadRoutes(file);
            } catch (Exception e) {
                problems.add(new TeamRouteFolder.Problem(name, 0, 0, "Camel could not load it (" + e.getClass().getSimpleName()
                        + "); correct the file"));
            }
        }
        if (problems.isEmpty()) {
            scan.files().keySet().forEach(name -> problems.add(new TeamRouteFolder.Problem(prefix + name, 0, 0,
                    "Camel could not load the files together; correct how they refer to each other")));
        }
        return problems;
    }

    /** The files' text as checked (not read again), as Camel resources named by their path. */
    static List<Resource> resources(TeamRouteFolder.Scan scan) {
        List<Resource> files = new ArrayList<>();
        scan.files().forEach((name, text) -> files.add(ResourceHelper.fromString("file:" + scan.folder().resolve(name), text)));
        return files;
    }

    /** The team route files did not pass the checks (the message names every problem) or did not load. */
    public static final class TeamRoutesRefusedException extends IllegalStateException {
        private final String report;

        public TeamRoutesRefusedException(String message, String report) {
            super(message);
            this.report = report;
        }

        /** Every problem, one per line, as logged. */
        public String report() {
            return report;
        }
    }
}
