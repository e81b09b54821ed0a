package org.telenc.engine.teamroutes;

import java.nio.file.Path;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Checks the team route folder ({@code engine.routes.extra-location}) before the application
 * context, and so Camel, exists: any problem stops start-up with every problem of every file in one
 * message ({@link TeamRouteFolder.Scan#report()}). Ordered after the logging listener so the failure
 * reaches the configured log output.
 */
public class TeamRoutesStartupCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    public static final String LOCATION = "engine.routes.extra-location";

    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        String location = event.getEnvironment().getProperty(LOCATION, "").strip();
        if (location.isEmpty()) {
            return;
        }
        TeamRouteFolder.Scan scan = TeamRouteFolder.withBuiltInRoutesOf(event.getSpringApplication().getClassLoader())
                .check(Path.of(location));
        if (!scan.valid()) {
            throw new TeamRoutesRefusedException(scan.report());
        }
    }

    /** The team route files did not pass the checks; the message names every problem. */
    public static final class TeamRoutesRefusedException extends IllegalStateException {
        public TeamRoutesRefusedException(String report) {
            super(report);
        }
    }
}
