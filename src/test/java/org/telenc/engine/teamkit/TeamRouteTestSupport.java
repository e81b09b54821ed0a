package org.telenc.engine.teamkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
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
import org.telenc.engine.emr.rest.EmrRecords;
import org.telenc.engine.emr.rest.EmrRest;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * What a test of a team's adapter file needs, Camel only (no engine, broker or database): the
 * engine's generic adapter beans (emrRest, emrRecords, the call guard, redelivery and authorization),
 * the weaving of the file's camel-http step to a mock, and a call of an operation as the flows make
 * it. A subclass names the files in {@code camel.main.routes-include-pattern} and uses
 * {@code @CamelSpringBootTest @UseAdviceWith @SpringBootTest(classes = TeamRouteTestSupport.Beans.class)}.
 * The store of EMR credentials and the tenancy repository are the only stand-ins (no connection
 * in these tests has credentials).
 */
public abstract class TeamRouteTestSupport {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CamelAutoConfiguration.class)
    @EnableConfigurationProperties(EngineProperties.class)
    @Import({EmrRest.class, EmrRecords.class, EmrCallRedelivery.class, EmrCallGuard.class, EmrCallAuthorization.class})
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
    @MockitoBean
    EmrAuthorizations authorizations;
    @MockitoBean
    TenancyRepository tenancy;

    /** Replaces the step {@code stepId} of the route {@code routeId} by {@code mockUri} and starts Camel (once). */
    protected void replaceHttp(String routeId, String stepId, String mockUri) throws Exception {
        if (camel.isStarted()) {
            return;
        }
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
}
