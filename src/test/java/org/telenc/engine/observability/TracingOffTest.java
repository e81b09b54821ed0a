package org.telenc.engine.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.telenc.engine.support.EngineTest;

/**
 * Tracing off (the default) is no tracing at all: no tracer on Camel's routes, Micrometer's no-op
 * tracer, no span exporter, processor or filter, so no span is made, kept or exported.
 */
class TracingOffTest extends EngineTest {

    @Autowired
    ApplicationContext context;
    @Autowired
    CamelContext camelContext;

    @Test
    void offByDefaultNothingTraces() {
        assertThat(context.getEnvironment().getProperty("management.tracing.enabled")).isEqualTo("false");
        assertThat(context.getBeansOfType(org.apache.camel.telemetry.Tracer.class)).isEmpty();
        assertThat(camelContext.hasService(org.apache.camel.telemetry.Tracer.class)).isNull();
        assertThat(context.getBeansOfType(io.opentelemetry.api.trace.Tracer.class)).isEmpty();
        assertThat(context.getBeansOfType(io.opentelemetry.sdk.trace.export.SpanExporter.class)).isEmpty();
        assertThat(context.getBeansOfType(io.opentelemetry.sdk.trace.SpanProcessor.class)).isEmpty();
        // Spring Boot's no-op tracer, at most: it records nothing
        assertThat(context.getBeansOfType(io.micrometer.tracing.Tracer.class).values())
                .allMatch(tracer -> tracer == io.micrometer.tracing.Tracer.NOOP);
        assertThat(context.getBeansOfType(PhiFreeSpans.class)).isEmpty();
    }
}
