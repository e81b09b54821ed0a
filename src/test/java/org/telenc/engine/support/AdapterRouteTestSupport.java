package org.telenc.engine.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.function.Predicate;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.emr.EmrCallGuard;
import org.telenc.engine.emr.EmrCallRedelivery;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.auth.EmrAuthorizations;
import org.telenc.engine.emr.auth.EmrCallAuthorization;
import org.telenc.engine.emr.auth.EmrTls;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * The slim Camel context of an EMR adapter's route test (no engine, broker or database): Camel with
 * the route files a subclass names in {@code camel.main.routes-include-pattern}, the engine's
 * properties, a simple meter registry and the beans every EMR call goes through (the in-route
 * redelivery policy, the call guard, the authorization); the adapter's own beans come from the
 * subclass's configuration, which imports {@link Beans}. The store of EMR credentials and the tenancy
 * repository are the only stand-ins. A subclass is annotated
 * {@code @CamelSpringBootTest @UseAdviceWith @SpringBootTest(classes = ...)}, replaces the step that
 * calls camel-http by a mock ({@link #replaceHttp}) and calls operations as the flows do ({@link #call}).
 */
public abstract class AdapterRouteTestSupport {

    /** The beans every adapter route test needs; a test's configuration imports this one and adds its adapter's. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CamelAutoConfiguration.class)
    @EnableConfigurationProperties(EngineProperties.class)
    @Import({EmrCallRedelivery.class, EmrCallGuard.class, EmrCallAuthorization.class, EmrTls.class})
    public static class Beans {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Autowired
    protected CamelContext camel;
    @Autowired
    protected ProducerTemplate producer;
    @Autowired
    protected MeterRegistry meters;
    @MockitoBean
    protected EmrAuthorizations authorizations;
    @MockitoBean
    protected TenancyRepository tenancy;

    /** Replaces the step {@code stepId} of the route {@code routeId} by {@code mockUri} and starts Camel (once). */
    protected void replaceHttp(String routeId, String stepId, String mockUri) throws Exception {
        replaceHttp(route -> true, routeId, stepId, mockUri);
    }

    /**
     * Drops the routes of the files that {@code keep} refuses (those that call beans this context lacks),
     * replaces the step {@code stepId} of the route {@code routeId} by {@code mockUri} and starts Camel (once).
     */
    protected void replaceHttp(Predicate<String> keep, String routeId, String stepId, String mockUri) throws Exception {
        if (camel.isStarted()) {
            return;
        }
        ModelCamelContext model = (ModelCamelContext) camel;
        List<RouteDefinition> dropped = model.getRouteDefinitions().stream().filter(r -> !keep.test(r.getRouteId())).toList();
        model.removeRouteDefinitions(dropped);
        AdviceWith.adviceWith(camel, routeId, route -> route.weaveById(stepId).replace().to(mockUri));
        camel.start();
    }

    /** Calls {@code direct:emr-<type>-<operation>} as a flow does: the input record as the body, the connection as emrConnection. */
    protected Exchange call(String emrType, String operation, EmrConnection connection, Object input) {
        return producer.send("direct:emr-" + emrType + "-" + operation, exchange -> {
            exchange.setProperty(ExchangeProperties.EMR_CONNECTION, connection);
            exchange.getMessage().setBody(input);
        });
    }

    /** The result record of a call that succeeded. */
    protected static <T> T result(Exchange done, Class<T> type) {
        if (done.getException() != null) {
            throw new AssertionError("operation failed: " + done.getException(), done.getException());
        }
        assertThat(done.getMessage().getBody()).isInstanceOf(type);
        return type.cast(done.getMessage().getBody());
    }

    /** The EMR's answer to one request, for the mock that stands for the camel-http step: a status and a body. */
    protected static Processor answer(int status, String body) {
        return exchange -> {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
            exchange.getMessage().setBody(body);
        };
    }
}
