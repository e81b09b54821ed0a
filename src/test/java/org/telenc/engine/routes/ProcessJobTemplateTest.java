package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.junit.jupiter.api.Test;
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

    /**
     * Recording an outcome and queueing its deliveries is one shape: every kind's finish and
     * internal-error finish is an instance of the job-outcome template, and the one route that sends
     * to webhooks.deliver is queue-webhook-deliveries, which those instances and the resend call. A
     * kind (or any route) that queues deliveries by its own steps fails here.
     */
    @Test
    void everyOutcomeAndTheResendQueueDeliveriesThroughOneRoute() {
        ModelCamelContext model = (ModelCamelContext) camelContext;
        List<String> outcomes = List.of("encounter-outcome", "encounter-internal-error-outcome", "action-outcome",
                "action-internal-error-outcome");
        for (String id : outcomes) {
            Route route = camelContext.getRoute(id);
            assertThat(route).as(id).isNotNull();
            assertThat(route.isCreatedByRouteTemplate()).as(id + " built from a template").isTrue();
            assertThat(model.getRouteDefinition(id).getTemplateParameters()).as(id + " is an instance of job-outcome")
                    .containsEntry("name", id).containsKeys("events", "meter", "stepIdPrefix");
            assertThat(route.getDescription()).startsWith("Records ").doesNotContain("{{");
        }
        assertThat(routesSendingTo(model, uri -> uri.equals("activemq:queue:webhooks.deliver")))
                .as("routes that send to webhooks.deliver").containsExactly("queue-webhook-deliveries");
        assertThat(routesSendingTo(model, uri -> uri.equals("direct:queue-webhook-deliveries")))
                .as("routes that queue deliveries").containsExactlyInAnyOrderElementsOf(
                        Stream.concat(outcomes.stream(), Stream.of("resend-webhook-event", "delivery-sweep")).toList());
        assertThat(routesSendingTo(model, uri -> uri.matches("direct:(encounter|action)(-internal-error)?-outcome")))
                .as("the finish routes, each through its own outcome instance")
                .containsExactlyInAnyOrder("encounter-finish", "encounter-finish-internal-error", "action-finish",
                        "action-finish-internal-error");
    }

    /** The routes with a to step whose endpoint (without its options) matches. */
    static List<String> routesSendingTo(ModelCamelContext model, Predicate<String> uri) {
        return model.getRouteDefinitions().stream()
                .filter(route -> ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), SendDefinition.class)
                        .stream().anyMatch(send -> send.getEndpointUri() != null
                                && uri.test(send.getEndpointUri().split("\\?")[0])))
                .map(RouteDefinition::getRouteId)
                .sorted()
                .toList();
    }
}
