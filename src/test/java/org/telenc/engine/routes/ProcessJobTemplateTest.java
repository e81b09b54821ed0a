package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.telenc.engine.support.EngineTest;

/**
 * The job consumers and their re-queues are instances of the templates of
 * routes/flows/process-job.camel.yaml: each keeps its route id, its queue, its settings, its
 * job-faults routeConfiguration, and a requeue step id found in exactly one route (AdviceWith and
 * audit rows name steps by id).
 */
class ProcessJobTemplateTest extends EngineTest {

    @Autowired
    CamelContext camelContext;

    @Value("${engine.process.concurrency}")
    int processConcurrency;

    @Value("${engine.actions.concurrency}")
    int actionsConcurrency;

    @ParameterizedTest
    @CsvSource({
            "process-telephone-encounter, telephone-encounters.requests, encounter-job-faults, encounter-retry-later, requeue-telephone-encounter",
            "process-telephone-encounter-action, telephone-encounters.actions, action-job-faults, action-retry-later, requeue-telephone-encounter-action"})
    void eachKindIsOneInstanceOfTheJobTemplates(String routeId, String queue, String faults, String retryLater, String requeueId) {
        Route consumer = camelContext.getRoute(routeId);
        assertThat(consumer).as(routeId).isNotNull();
        assertThat(consumer.isCreatedByRouteTemplate()).isTrue();
        assertThat(consumer.getDescription()).as("the templated route's own description, not the placeholder")
                .startsWith("Consumes ").doesNotContain("{{");
        assertThat(consumer.getConfigurationId()).isEqualTo(faults);
        assertThat(consumer.getOnExceptions()).as("the job-faults handlers").isNotEmpty();
        JmsEndpoint endpoint = (JmsEndpoint) consumer.getEndpoint();
        assertThat(endpoint.getDestinationName()).isEqualTo(queue);
        assertThat(endpoint.isTransacted()).isTrue();
        assertThat(endpoint.getConcurrentConsumers())
                .isEqualTo(routeId.endsWith("-action") ? actionsConcurrency : processConcurrency);

        Route requeue = camelContext.getRoute(retryLater);
        assertThat(requeue).as(retryLater).isNotNull();
        assertThat(requeue.isCreatedByRouteTemplate()).isTrue();
        assertThat(requeue.getDescription()).startsWith("Puts a deferred ").doesNotContain("{{");
        assertThat(requeue.getEndpoint().getEndpointUri()).isEqualTo("direct://" + retryLater);
        ModelCamelContext model = (ModelCamelContext) camelContext;
        assertThat(model.getRouteDefinitions().stream()
                .filter(route -> ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), ProcessorDefinition.class)
                        .stream().anyMatch(step -> requeueId.equals(step.getId())))
                .map(RouteDefinition::getRouteId))
                .as("routes with a step " + requeueId).containsExactly(retryLater);
    }
}
