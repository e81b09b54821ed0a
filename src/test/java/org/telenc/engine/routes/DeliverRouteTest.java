package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
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
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.observability.EngineMeters;
import org.telenc.engine.observability.FlowMeters;
import org.telenc.engine.webhook.WebhookDeliveries;
import org.telenc.engine.webhook.WebhookRepository;
import org.telenc.engine.webhook.signing.SignedHeaders;
import org.telenc.engine.webhook.signing.WebhookSignatures;

/**
 * Webhook delivery (routes/flows/deliver.camel.yaml) in Camel's route-test idiom, without the engine:
 * a Spring context holding only a Camel context with the one route file, the beans its steps call,
 * and the outside replaced.
 * <ul>
 * <li>{@code camel.main.routes-include-pattern} loads just the file under test;</li>
 * <li>the beans are the real ones ({@link WebhookDeliveries}, {@link FlowMeters}); only the
 * database behind them ({@link WebhookRepository}) is a Mockito stub;</li>
 * <li>{@link UseAdviceWith} keeps Camel stopped until the routes are woven: the broker consumers
 * become {@code direct:} endpoints ({@code replaceFromWith}), and each step that leaves the engine
 * (by its step id: the HTTP POST, the broker sends) becomes a {@link MockEndpoint}, so no broker
 * and no HTTP server is needed;</li>
 * <li>each test sends one queue message and asserts which way the route went with mock
 * expectations.</li>
 * </ul>
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = DeliverRouteTest.Beans.class, properties = {
        "camel.main.routes-include-pattern=file:routes/flows/deliver.camel.yaml",
        "engine.webhook.retry-schedule=5s,5m",
        "engine.webhook.jitter=0"})
class DeliverRouteTest {

    /** The part of the engine these routes need: Camel, the engine's settings and the route's beans. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CamelAutoConfiguration.class)
    @EnableConfigurationProperties(EngineProperties.class)
    @Import({WebhookDeliveries.class, FlowMeters.class, EngineMeters.class})
    static class Beans {

        @Bean
        Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        ObjectMapper objectMapper() {
            return new ObjectMapper();
        }
    }

    static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
    static final String SECRET = "test-secret";
    static final String EVENT_BODY = "{\"id\":\"evt-1\",\"created\":\"2026-01-05T09:59:00Z\",\"type\":\"telephone_encounter.completed\"}";
    static final String MESSAGE = "{\"delivery_id\":\"dlv-1\"}";

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    MeterRegistry meters;
    @MockitoBean
    WebhookRepository webhooks;

    @EndpointInject("mock:webhook-post")
    MockEndpoint post;
    @EndpointInject("mock:reschedule-webhook-delivery")
    MockEndpoint reschedule;
    @EndpointInject("mock:dead-letter-webhook-delivery")
    MockEndpoint deadLetter;
    @EndpointInject("mock:requeue-webhook-delivery")
    MockEndpoint requeue;

    /** Weaves the routes once (the Spring context, and so the Camel context, is shared by the tests). */
    @BeforeEach
    void weaveAndStart() throws Exception {
        if (camel.isStarted()) {
            return;
        }
        AdviceWith.adviceWith(camel, "deliver-webhook", route -> route.replaceFromWith("direct:webhooks.deliver"));
        AdviceWith.adviceWith(camel, "deliver-webhook-retry", route -> route.replaceFromWith("direct:webhooks.deliver.retry"));
        AdviceWith.adviceWith(camel, "deliver-webhook-attempt", route -> {
            route.weaveById("webhook-post").replace().to("mock:webhook-post");
            route.weaveById("requeue-webhook-delivery").replace().to("mock:requeue-webhook-delivery");
            route.weaveById("reschedule-webhook-delivery").replace().to("mock:reschedule-webhook-delivery");
            route.weaveById("dead-letter-webhook-delivery").replace().to("mock:dead-letter-webhook-delivery");
        });
        camel.start();
    }

    @AfterEach
    void resetMocksAndMeters() {
        MockEndpoint.resetMocks(camel);
        meters.clear();
    }

    /** A pending delivery of one event to an enabled, healthy URL, after {@code attemptsSoFar} attempts. */
    private void pendingDelivery(int attemptsSoFar) {
        when(webhooks.delivery("dlv-1")).thenReturn(Optional.of(
                new WebhookRepository.Delivery("dlv-1", "evt-1", "wh-1", "https://receiver.test/hook", "pending", attemptsSoFar)));
        when(webhooks.endpoint("wh-1")).thenReturn(Optional.of(
                new WebhookRepository.Endpoint("wh-1", "client-1", "https://receiver.test/hook", "cobalt", "enabled")));
        when(webhooks.event("evt-1")).thenReturn(Optional.of(
                new WebhookRepository.Event("evt-1", "client-1", "telephone_encounter.completed", EVENT_BODY, NOW)));
        when(webhooks.claim(eq("dlv-1"), any(), any())).thenReturn(true);
        when(webhooks.secrets(eq("wh-1"), any())).thenReturn(new WebhookRepository.Secrets(SECRET, null));
    }

    /** The receiver (the mock standing in for the HTTP POST) answers with this status. */
    private void receiverAnswers(int status) {
        post.whenAnyExchangeReceived(exchange -> {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
            exchange.getMessage().setBody("answer " + status);
        });
    }

    private double attempts(String result) {
        var counter = meters.find("telenc.webhook.attempts").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aDeliveryAnswered2xxIsPostedSignedAndRecordedAsSuccess() throws Exception {
        pendingDelivery(0);
        receiverAnswers(204);
        post.expectedMessageCount(1);
        post.expectedBodiesReceived(EVENT_BODY);
        post.expectedHeaderReceived(Exchange.HTTP_METHOD, "POST");
        post.expectedHeaderReceived(Exchange.HTTP_URI, "https://receiver.test/hook");
        post.expectedHeaderReceived(SignedHeaders.COBALT_VERIFICATION,
                WebhookSignatures.cobaltSignature(SECRET, EVENT_BODY.getBytes(StandardCharsets.UTF_8)));
        post.expectedHeaderReceived(SignedHeaders.WEBHOOK_ID, "evt-1");
        reschedule.expectedMessageCount(0);
        deadLetter.expectedMessageCount(0);

        producer.sendBody("direct:webhooks.deliver", MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(webhooks).recordAttempt(eq("dlv-1"), eq(1), eq(204), anyLong(), isNull(), eq("answer 204"), eq("success"), isNull());
        assertThat(attempts("success")).isEqualTo(1);
    }

    @Test
    void aRetryableAnswerReschedulesThroughTheBrokerAfterTheFirstDelayOfTheSchedule() throws Exception {
        pendingDelivery(0);
        receiverAnswers(503);
        reschedule.expectedMessageCount(1);
        reschedule.expectedBodiesReceived(MESSAGE);
        reschedule.expectedHeaderReceived("AMQ_SCHEDULED_DELAY", 5_000L);
        // nothing of the attempt (signature, HTTP answer) travels back to the queue
        reschedule.message(0).header(SignedHeaders.COBALT_VERIFICATION).isNull();
        reschedule.message(0).header(Exchange.HTTP_RESPONSE_CODE).isNull();
        deadLetter.expectedMessageCount(0);

        producer.sendBody("direct:webhooks.deliver", MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(webhooks).recordAttempt(eq("dlv-1"), eq(1), eq(503), anyLong(), isNull(), any(), eq("pending"),
                eq(NOW.plusSeconds(5)));
        assertThat(attempts("retry")).isEqualTo(1);
    }

    @Test
    void theSecondRetryWaitsTheSecondDelayOfTheSchedule() throws Exception {
        pendingDelivery(1);
        receiverAnswers(429);
        reschedule.expectedMessageCount(1);
        reschedule.expectedHeaderReceived("AMQ_SCHEDULED_DELAY", 300_000L);
        deadLetter.expectedMessageCount(0);

        producer.sendBody("direct:webhooks.deliver.retry", MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
    }

    @Test
    void noAnswerAtAllIsRetryableToo() throws Exception {
        pendingDelivery(0);
        post.whenAnyExchangeReceived(exchange -> {
            throw new IOException("connection refused");
        });
        reschedule.expectedMessageCount(1);
        reschedule.expectedHeaderReceived("AMQ_SCHEDULED_DELAY", 5_000L);
        deadLetter.expectedMessageCount(0);

        producer.sendBody("direct:webhooks.deliver", MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(webhooks).recordAttempt(eq("dlv-1"), eq(1), isNull(), anyLong(), eq("IOException"), isNull(), eq("pending"), any());
    }

    @Test
    void aRetryableFailureOfTheLastAttemptFailsTheDeliveryAndDeadLettersIt() throws Exception {
        pendingDelivery(2); // the schedule has two delays: this is the third and last attempt
        receiverAnswers(500);
        reschedule.expectedMessageCount(0);
        deadLetter.expectedMessageCount(1);
        deadLetter.expectedBodiesReceived(MESSAGE);

        producer.sendBody("direct:webhooks.deliver.retry", MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(webhooks).recordAttempt(eq("dlv-1"), eq(3), eq(500), anyLong(), isNull(), any(), eq("failed"), isNull());
        assertThat(attempts("failed")).isEqualTo(1);
    }

    @Test
    void aPermanentRefusalFailsAtOnceAndDeadLettersIt() throws Exception {
        pendingDelivery(0);
        receiverAnswers(400);
        reschedule.expectedMessageCount(0);
        deadLetter.expectedMessageCount(1);
        deadLetter.expectedBodiesReceived(MESSAGE);

        producer.sendBody("direct:webhooks.deliver", MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(webhooks).recordAttempt(eq("dlv-1"), eq(1), eq(400), anyLong(), isNull(), any(), eq("failed"), isNull());
    }

    @Test
    void goneDisablesTheUrlWithoutADeadLetter() throws Exception {
        pendingDelivery(0);
        receiverAnswers(410);
        reschedule.expectedMessageCount(0);
        deadLetter.expectedMessageCount(0);

        producer.sendBody("direct:webhooks.deliver", MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(webhooks).setEndpointStatus("wh-1", "disabled");
        assertThat(attempts("gone")).isEqualTo(1);
    }

    @Test
    void aDeliveryNoLongerPendingIsDroppedWithoutAPost() throws Exception {
        when(webhooks.delivery("dlv-1")).thenReturn(Optional.empty());
        post.expectedMessageCount(0);
        reschedule.expectedMessageCount(0);
        deadLetter.expectedMessageCount(0);
        requeue.expectedMessageCount(0);

        producer.sendBody("direct:webhooks.deliver", MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(webhooks, never()).recordAttempt(any(), anyInt(), any(), anyLong(), any(), any(), any(), any());
    }

    @Test
    void aFirstAttemptToAFailingUrlMovesToTheRetryLaneWithoutAPost() throws Exception {
        pendingDelivery(0);
        when(webhooks.endpointFailing("wh-1")).thenReturn(true);
        post.expectedMessageCount(0);
        requeue.expectedMessageCount(1);
        requeue.expectedBodiesReceived(MESSAGE);
        requeue.expectedHeaderReceived("AMQ_SCHEDULED_DELAY", 0L);

        producer.sendBody("direct:webhooks.deliver", MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        WebhookDeliveries.Attempt attempt = requeue.getExchanges().get(0).getProperty("attempt", WebhookDeliveries.Attempt.class);
        assertThat(attempt.requeueQueue()).isEqualTo("webhooks.deliver.retry");
    }
}
