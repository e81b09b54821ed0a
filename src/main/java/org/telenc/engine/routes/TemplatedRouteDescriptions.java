package org.telenc.engine.routes;

import java.util.Map;
import org.apache.camel.model.RouteDefinition;
import org.springframework.stereotype.Component;

/**
 * Gives each templated route its own description. A {@code templatedRoute} of the YAML DSL has no
 * {@code description} of its own, and Camel does not resolve template parameters in a route's
 * description, so a route template's route says {@code description: "{{description}}"} and each
 * templated route passes a {@code description} parameter: this fills it in as the route is added
 * (Camel registers every {@code ModelLifecycleStrategy} bean), so the route list, JMX and the
 * tooling show what the instance does, not the placeholder.
 */
@Component
public class TemplatedRouteDescriptions extends RouteDefinitionsAdded {

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        Map<String, Object> parameters = route.getTemplateParameters();
        String description = route.getDescription();
        if (description == null || parameters == null || !description.contains("{{")) {
            return;
        }
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            description = description.replace("{{" + parameter.getKey() + "}}", String.valueOf(parameter.getValue()));
        }
        route.setDescription(description);
    }
}
