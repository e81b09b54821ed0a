package org.telenc.engine.observability;

import io.micrometer.tracing.exporter.SpanFilter;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tracing, when {@code management.tracing.enabled=true} (off by default, and then none of this
 * exists: no tracer on the routes, nothing exported). Spring Boot makes the OpenTelemetry SDK, its
 * OTLP/HTTP exporter ({@code management.otlp.tracing.endpoint}) and the HTTP server's spans; this
 * puts Camel's tracer on the same SDK: a span for each route an exchange enters (intake, each job
 * route, each EMR operation), each HTTP call (EMR, webhook), and the JMS send and consume, whose
 * message carries the trace context in its headers, so an encounter is one trace across the queue.
 * Every exported span passes {@link PhiFreeSpans} first.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "management.tracing.enabled", havingValue = "true")
public class TracingConfiguration {

    @Bean
    OpenTelemetryTracer camelTracer(CamelContext camel) {
        OpenTelemetryTracer tracer = new OpenTelemetryTracer();
        // the timers that poll (watchdog, sweeps, sync) would each start a trace of their own every period
        tracer.setExcludePatterns("timer:*");
        tracer.init(camel);
        return tracer;
    }

    /** The wait on each queue, as a span of its own between Camel's send and receive spans. */
    @Bean
    QueueWaitSpans queueWaitSpans(OpenTelemetry openTelemetry) {
        return new QueueWaitSpans(openTelemetry);
    }

    /** Right after Spring's server observation (its filter runs at HIGHEST_PRECEDENCE + 1). */
    @Bean
    FilterRegistrationBean<TraceparentFromServerSpan> traceparentFromServerSpan(OpenTelemetry openTelemetry) {
        FilterRegistrationBean<TraceparentFromServerSpan> registration =
                new FilterRegistrationBean<>(new TraceparentFromServerSpan(openTelemetry));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    @Bean
    SpanFilter phiFreeSpans() {
        return new PhiFreeSpans();
    }
}
