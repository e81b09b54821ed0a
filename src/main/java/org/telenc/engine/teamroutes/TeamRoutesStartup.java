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
        TeamRouteFolder.Scan scan = TeamRouteFolder.withBuiltInRoutesOf(TeamRoutesStartup.class.getClassLoader())
                .check(Path.of(location));
        if (!scan.valid()) {
            throw new TeamRoutesRefusedException(scan.report());
        }
        try {
            PluginHelper.getRoutesLoader(camel).loadRoutes(resources(scan));
        } catch (Exception e) {
            throw new TeamRoutesRefusedException("team route files in " + scan.folder() + " passed the checks but Camel did not load them ("
                    + e.getClass().getName() + ")", e);
        }
        LOG.info("team route files: loaded {} files, {} definitions from {}", scan.files().size(), scan.definitions().size(), scan.folder());
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
    }

    /** The files' text as checked (not read again), as Camel resources named by their path. */
    static List<Resource> resources(TeamRouteFolder.Scan scan) {
        List<Resource> files = new ArrayList<>();
        scan.files().forEach((name, text) -> files.add(ResourceHelper.fromString("file:" + scan.folder().resolve(name), text)));
        return files;
    }

    /** The team route files did not pass the checks (the message names every problem) or did not load. */
    public static final class TeamRoutesRefusedException extends IllegalStateException {
        public TeamRoutesRefusedException(String report) {
            super(report);
        }

        public TeamRoutesRefusedException(String report, Throwable cause) {
            super(report, cause);
        }
    }
}
