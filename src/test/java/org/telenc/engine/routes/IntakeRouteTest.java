package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.telenc.engine.action.ActionIntake;
import org.telenc.engine.action.ActionRepository;
import org.telenc.engine.action.ActionRequests;
import org.telenc.engine.api.ApiResponse;
import org.telenc.engine.api.ApiResponses;
import org.telenc.engine.api.RequestBodies;
import org.telenc.engine.audit.AuditLog;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.extension.Extensions;
import org.telenc.engine.teamroutes.TeamRouteSwaps;
import org.telenc.engine.encounter.EncounterRepository;
import org.telenc.engine.encounter.EncounterRequests;
import org.telenc.engine.encounter.IntakeService;
import org.telenc.engine.encounter.ReferenceChecks;
import org.telenc.engine.intake.IdempotencyKeys;
import org.telenc.engine.intake.RequestParser;
import org.telenc.engine.intake.ValidationErrors;
import org.telenc.engine.job.JobIntake;
import org.telenc.engine.job.JobQueue;
import org.telenc.engine.observability.EngineMeters;
import org.telenc.engine.observability.FlowMeters;
import org.telenc.engine.storage.GroupCommit;
import org.telenc.engine.tenancy.Authenticator;
import org.telenc.engine.tenancy.Caller;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * The {@code intake} route template (routes/flows/intake.camel.yaml) in both of its instances,
 * {@code intake-telephone-encounter} and {@code intake-telephone-encounter-action}, on a Camel-only
 * context (see {@link DeliverRouteTest} for the idiom), with the shared api-errors configuration
 * and api-respond writing the answer. The intake beans are the real ones ({@link IntakeService},
 * {@link ActionIntake}, {@link JobIntake}, the binders, bean validation, {@link ApiResponses});
 * what reaches the database is a stub: the repositories, the Idempotency-Key store, the group
 * commit (which runs the unit at once), the authenticator, the reference checks and the audit log.
 * The queue send of each instance (by its step id) is a {@link MockEndpoint}.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = IntakeRouteTest.Beans.class, properties =
        "camel.main.routes-include-pattern=file:routes/flows/intake.camel.yaml,file:routes/_shared/api-errors.camel.yaml,"
                + "file:routes/api/responses.camel.yaml")
class IntakeRouteTest {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CamelAutoConfiguration.class)
    @EnableConfigurationProperties(EngineProperties.class)
    @Import({IntakeService.class, ActionIntake.class, JobIntake.class, JobQueue.class, RequestBodies.class, RequestParser.class,
            EncounterRequests.class, ActionRequests.class, ApiResponses.class, ValidationErrors.class, FlowMeters.class,
            EngineMeters.class, Extensions.class, TeamRouteSwaps.class})
    static class Beans {

        @Bean
        ObjectMapper objectMapper() {
            return new ObjectMapper();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final Caller CALLER = new Caller("client-pk-1", "client-1", "token-1", "token-ref-1", "conn-1", "fhir-r4", "user-1");
    static final String ENCOUNTER = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}";
    static final String ACTION = "{\"emr_appointment_id\":\"enc-1\",\"text\":\"Called back\"}";

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @MockitoBean(name = "authenticator")
    Authenticator authenticator;
    @MockitoBean(name = "idempotencyKeys")
    IdempotencyKeys idempotencyKeys;
    @MockitoBean(name = "referenceChecks")
    ReferenceChecks referenceChecks;
    @MockitoBean(name = "auditLog")
    AuditLog auditLog;
    @MockitoBean
    EncounterRepository encounters;
    @MockitoBean
    ActionRepository actions;
    @MockitoBean
    GroupCommit groupCommit;
    @MockitoBean
    TenancyRepository tenancy;
    @MockitoBean
    EmrConnections connections;

    @EndpointInject("mock:telephone-encounter-queue")
    MockEndpoint encounterQueue;
    @EndpointInject("mock:telephone-encounter-action-queue")
    MockEndpoint actionQueue;

    @BeforeEach
    void weaveAndStart() throws Exception {
        if (camel.isStarted()) {
            return;
        }
        AdviceWith.adviceWith(camel, "intake-telephone-encounter", route -> replaceQueueStep(route, "telephone-encounter-"));
        AdviceWith.adviceWith(camel, "intake-telephone-encounter-action",
                route -> replaceQueueStep(route, "telephone-encounter-action-"));
        camel.start();
    }

    /**
     * Replaces the queue send by a mock named as its step id ({@code <stepIdPrefix>queue}). Before Camel starts, a templated route's
     * definition still holds the template's placeholders (ids and URIs resolve when the route is
     * created, and weaveById would resolve its pattern against the engine's properties), so the step
     * is found as the one send to the broker, and the instance's step id is checked to be the one the
     * route file gives.
     */
    static void replaceQueueStep(AdviceWithRouteBuilder route, String stepIdPrefix) {
        assertThat(route.getOriginalRoute().getTemplateParameters()).containsEntry("stepIdPrefix", stepIdPrefix);
        route.weaveByToUri("activemq:*").replace().to("mock:" + stepIdPrefix + "queue");
    }

    @BeforeEach
    void storage() {
        when(authenticator.authenticate(any(), any(), any(), any())).thenReturn(CALLER);
        when(idempotencyKeys.lookup(any(), any(), any())).thenAnswer(call -> new IdempotencyKeys.Idempotency(call.getArgument(1), "hash", null));
        when(groupCommit.run(any())).thenAnswer(call -> call.<Supplier<?>>getArgument(0).get());
        when(encounters.insertAccepted(anyString(), any(), any(), any(), any())).thenReturn(41L);
        when(actions.insertAccepted(anyString(), any(), any(), any(), any(), any())).thenReturn(42L);
    }

    @AfterEach
    void resetMocks() {
        MockEndpoint.resetMocks(camel);
    }

    private Exchange post(String endpoint, String body, Map<String, Object> headers) {
        return producer.send(endpoint, exchange -> {
            exchange.getMessage().setHeader(MessageHeaders.CLIENT_ID, "client-1");
            exchange.getMessage().setHeader(MessageHeaders.CLIENT_SECRET, "secret");
            exchange.getMessage().setHeader(MessageHeaders.ACCESS_TOKEN, "token");
            headers.forEach(exchange.getMessage()::setHeader);
            exchange.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
        });
    }

    private static int status(Exchange answer) {
        return answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    private static JsonNode body(Exchange answer) throws Exception {
        return JSON.readTree(answer.getMessage().getBody(String.class));
    }

    private static JobIntake.Accepted accepted(MockEndpoint queue) {
        return queue.getExchanges().get(0).getProperty(ExchangeProperties.ACCEPTED, JobIntake.Accepted.class);
    }

    @Test
    void aValidEncounterRequestIsStoredQueuedInItsPatientsGroupAndAnswered200() throws Exception {
        encounterQueue.expectedMessageCount(1);
        encounterQueue.expectedHeaderReceived(MessageHeaders.JMSX_GROUP_ID, IntakeService.messageGroup("conn-1", "100236"));
        actionQueue.expectedMessageCount(0);

        Exchange answer = post("direct:intake-telephone-encounter", ENCOUNTER, Map.of(MessageHeaders.IDEMPOTENCY_KEY, "key-1"));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(status(answer)).isEqualTo(200);
        JsonNode body = body(answer);
        assertThat(body.path("success").asBoolean()).isTrue();
        assertThat(body.path("job_id").asText()).isEqualTo("41");
        String id = body.path("telephone_encounter_id").asText();
        JsonNode message = JSON.readTree(encounterQueue.getExchanges().get(0).getMessage().getBody(String.class));
        assertThat(message.toString()).contains(id).contains("41");
        // nothing of the API request travels on the queue
        encounterQueue.getExchanges().get(0).getMessage().getHeaders().keySet()
                .forEach(name -> assertThat(name).isNotIn(MessageHeaders.CLIENT_SECRET, MessageHeaders.ACCESS_TOKEN));
        verify(referenceChecks).check(eq(CALLER), any());
        verify(idempotencyKeys).claim(eq(CALLER), any(), eq(id), any());
        verify(idempotencyKeys).complete(eq(CALLER), any());
        verify(encounters, never()).delete(any());
    }

    @Test
    void aValidActionRequestIsStoredQueuedInItsEncountersGroupAndAnswered200() throws Exception {
        actionQueue.expectedMessageCount(1);
        actionQueue.expectedHeaderReceived(MessageHeaders.JMSX_GROUP_ID, ActionIntake.messageGroup("conn-1", "enc-1"));
        encounterQueue.expectedMessageCount(0);

        Exchange answer = post("direct:intake-telephone-encounter-action", ACTION, Map.of(MessageHeaders.IDEMPOTENCY_KEY, "key-1"));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(status(answer)).isEqualTo(200);
        JsonNode body = body(answer);
        assertThat(body.path("job_id").asText()).isEqualTo("42");
        assertThat(actionQueue.getExchanges().get(0).getMessage().getBody(String.class)).contains(body.path("action_id").asText());
        verify(referenceChecks).checkAction(CALLER);
        // an add-action request has no Idempotency-Key, whatever it sends
        verify(idempotencyKeys, never()).lookup(any(), any(), any());
        verify(actions, never()).delete(any());
    }

    @Test
    void anInvalidEncounterRequestIsTheContractsErrorAndNothingIsStoredOrQueued() throws Exception {
        encounterQueue.expectedMessageCount(0);

        Exchange answer = post("direct:intake-telephone-encounter", "{\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}",
                Map.of());

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(status(answer)).isEqualTo(400);
        JsonNode body = body(answer);
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo("patient_mrn");
        assertThat(body.path("errors").get(0).path("error").asText()).isEqualTo(ValidationErrors.MISSING);
        verify(encounters, never()).insertAccepted(any(), any(), any(), any(), any());
    }

    @Test
    void anActionRequestThatIsNotJsonIsInvalidJsonAndNothingIsStoredOrQueued() throws Exception {
        actionQueue.expectedMessageCount(0);

        Exchange answer = post("direct:intake-telephone-encounter-action", "{\"emr_appointment_id\":", Map.of());

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(status(answer)).isEqualTo(400);
        assertThat(body(answer).path("error").asText()).isEqualTo("invalid_json");
        verify(actions, never()).insertAccepted(any(), any(), any(), any(), any(), any());
    }

    @Test
    void anEncounterThatCannotBeQueuedIsUndoneAndAnswered503() throws Exception {
        encounterQueue.whenAnyExchangeReceived(exchange -> {
            throw new IllegalStateException("broker down");
        });
        encounterQueue.expectedMessageCount(1);

        Exchange answer = post("direct:intake-telephone-encounter", ENCOUNTER, Map.of(MessageHeaders.IDEMPOTENCY_KEY, "key-1"));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(status(answer)).isEqualTo(503);
        assertThat(body(answer).path("error").asText()).isEqualTo("service_unavailable");
        String id = accepted(encounterQueue).id();
        verify(encounters).delete(id);
        verify(idempotencyKeys).release(id);
        verify(idempotencyKeys, never()).complete(any(), any());
    }

    @Test
    void anActionThatCannotBeQueuedIsUndoneAndAnswered503() throws Exception {
        actionQueue.whenAnyExchangeReceived(exchange -> {
            throw new IllegalStateException("broker down");
        });
        actionQueue.expectedMessageCount(1);

        Exchange answer = post("direct:intake-telephone-encounter-action", ACTION, Map.of());

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(status(answer)).isEqualTo(503);
        assertThat(body(answer).path("error").asText()).isEqualTo("service_unavailable");
        verify(actions).delete(accepted(actionQueue).id());
    }

    @Test
    void anEncounterIdempotencyKeyReplayIsAnsweredFromTheStoredAnswerWithoutQueueing() throws Exception {
        String first = "{\"success\":true,\"telephone_encounter_id\":\"te-first\",\"job_id\":\"7\"}";
        when(idempotencyKeys.lookup(eq(CALLER), eq("key-1"), eq(ENCOUNTER)))
                .thenReturn(new IdempotencyKeys.Idempotency("key-1", "hash", ApiResponse.ok(first)));
        encounterQueue.expectedMessageCount(0);

        Exchange answer = post("direct:intake-telephone-encounter", ENCOUNTER, Map.of(MessageHeaders.IDEMPOTENCY_KEY, "key-1"));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(status(answer)).isEqualTo(200);
        assertThat(answer.getMessage().getBody(String.class)).isEqualTo(first);
        verify(referenceChecks, never()).check(any(), any());
        verify(encounters, never()).insertAccepted(any(), any(), any(), any(), any());
        verify(idempotencyKeys, never()).complete(any(), any());
    }
}
