package org.telenc.engine.extension;

import java.nio.file.Path;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.errorhandler.NoErrorHandlerDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.telenc.engine.routes.RouteDefinitionsAdded;

/**
 * A team route that an extension point calls (a {@code direct:} route of the folder
 * {@code engine.routes.extra-location}) runs without an error handler of its own, like the engine's
 * inner routes ({@code propagate-errors}): its failure goes straight back to the extension point,
 * which logs only the exception's class. Camel's default error handler would log the exception's
 * message and stack, and a team's exception may quote the request (PHI). A team route that names
 * its own {@code routeConfigurationId} or error handler keeps it, and with it its own logging.
 */
@Component
public class TeamRouteErrors extends RouteDefinitionsAdded {

    private static final Logger log = LoggerFactory.getLogger(TeamRouteErrors.class);

    private final String folder;

    public TeamRouteErrors(@Value("${engine.routes.extra-location:}") String location) {
        this.folder = location == null || location.isBlank() ? null
                : "file:" + Path.of(location.strip()).toAbsolutePath().normalize().toString().replace('\\', '/') + "/";
    }

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        // an errorHandler the team's file names is its own; Camel's default (set by the loader) is replaced
        if (isTeamExtensionRoute(route) && route.getRouteConfigurationId() == null && route.getErrorHandler() == null
                && route.getErrorHandlerRef() == null) {
            route.setErrorHandlerFactory(new NoErrorHandlerDefinition());
            log.debug("team route {}: failures go back to the extension point", route.getRouteId());
        }
    }

    boolean isTeamExtensionRoute(RouteDefinition route) {
        return folder != null && route.getResource() != null && route.getResource().getLocation() != null
                && route.getResource().getLocation().replace('\\', '/').startsWith(folder)
                && route.getInput() != null && route.getInput().getEndpointUri() != null
                && route.getInput().getEndpointUri().startsWith("direct:");
    }
}
