package org.telenc.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.telenc.engine.support.EngineTest;

/**
 * Both intake routes are built from the one {@code intake} route template, with today's route ids
 * and the step ids that audit rows, metrics and tests know them by.
 */
class IntakeTemplateTest extends EngineTest {

    @Autowired
    CamelContext camelContext;

    @Test
    void eachKindsIntakeIsTheTemplateWithItsOwnIds() {
        assertThat(stepIds("intake-telephone-encounter")).contains("bind-json", "validate-telephone-encounter-request",
                "check-references", "queue-or-undo", "queue-telephone-encounter", "undo-intake", "complete-idempotency-key");
        assertThat(stepIds("intake-telephone-encounter-action")).contains("bind-action-json",
                "validate-telephone-encounter-action-request", "check-action-caller", "queue-action-or-undo",
                "queue-telephone-encounter-action", "undo-action-intake");
        for (String id : List.of("intake-telephone-encounter", "intake-telephone-encounter-action")) {
            Route route = camelContext.getRoute(id);
            assertThat(route).as(id).isNotNull();
            assertThat(route.isCreatedByRouteTemplate()).as(id + " built from a template").isTrue();
            assertThat(route.getEndpoint().getEndpointUri()).isEqualTo("direct://" + id);
        }
    }

    Set<String> stepIds(String routeId) {
        RouteDefinition route = ((ModelCamelContext) camelContext).getRouteDefinition(routeId);
        assertThat(route).as(routeId).isNotNull();
        Set<String> ids = new TreeSet<>();
        for (ProcessorDefinition<?> step : ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(),
                ProcessorDefinition.class)) {
            if (step.hasCustomIdAssigned()) {
                ids.add(step.getId());
            }
        }
        return ids;
    }
}
