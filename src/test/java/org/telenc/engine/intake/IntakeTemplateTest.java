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
 * and step ids that start with the instance's {@code stepIdPrefix} (audit rows, metrics and tests
 * know the steps by them).
 */
class IntakeTemplateTest extends EngineTest {

    @Autowired
    CamelContext camelContext;

    @Test
    void eachKindsIntakeIsTheTemplateWithItsOwnIds() {
        assertThat(stepIds("intake-telephone-encounter")).as("the steps, named by the instance's stepIdPrefix")
                .contains("telephone-encounter-bind", "telephone-encounter-validate",
                        "telephone-encounter-check", "telephone-encounter-queue-or-undo",
                        "telephone-encounter-queue", "telephone-encounter-undo", "telephone-encounter-complete-idempotency-key");
        assertThat(stepIds("intake-telephone-encounter-action"))
                .contains("telephone-encounter-action-bind", "telephone-encounter-action-validate",
                        "telephone-encounter-action-check",
                        "telephone-encounter-action-queue-or-undo", "telephone-encounter-action-queue",
                        "telephone-encounter-action-undo", "telephone-encounter-action-complete-idempotency-key");
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
