package org.telenc.engine.routes;

import org.apache.camel.model.ModelLifecycleStrategy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;

/**
 * A {@link ModelLifecycleStrategy} that only looks at each route definition as it is added (Camel
 * registers every such bean of the context): removals and templates are nothing to it.
 */
public abstract class RouteDefinitionsAdded implements ModelLifecycleStrategy {

    @Override
    public abstract void onAddRouteDefinition(RouteDefinition route);

    @Override
    public void onRemoveRouteDefinition(RouteDefinition route) {
        // nothing kept per route
    }

    @Override
    public void onAddRouteTemplateDefinition(RouteTemplateDefinition template) {
        // templates are seen through the routes made from them
    }

    @Override
    public void onRemoveRouteTemplateDefinition(RouteTemplateDefinition template) {
        // nothing kept per template
    }
}
