package org.telenc.engine.observability;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.JmsTemporaryQueueEndpoint;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;

/**
 * A span for the time a message waited on its queue: from the moment it was sent (its
 * {@code JMSTimestamp}) to the moment a consumer of the engine took it, in the trace of the message
 * (its {@code traceparent} header). Camel's own spans show the send and the receive; this one names
 * the gap between them, so a trace reads intake, queue wait, job. A message the broker redelivered
 * after a failure waited its redelivery delay too, and its span says so
 * ({@code engine.redelivered}). Only names and times: no header of the message but those two.
 *
 * <p>A route policy on every route that consumes a queue (Camel Spring Boot puts a
 * {@link RoutePolicyFactory} bean on each route it builds, team routes and reloads included), so
 * the span is made as the exchange enters the route.
 */
final class QueueWaitSpans implements RoutePolicyFactory {

    private static final TextMapGetter<Map<String, Object>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, Object> carrier, String key) {
            Object value = carrier == null ? null : carrier.get(key);
            return value == null ? null : value.toString();
        }
    };

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    QueueWaitSpans(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("telenc-engine");
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        return new RoutePolicySupport() {
            @Override
            public void onExchangeBegin(Route begun, Exchange exchange) {
                if (begun.getEndpoint() instanceof JmsEndpoint queue && !(queue instanceof JmsTemporaryQueueEndpoint)) {
                    record(queue.getDestinationName(), exchange);
                }
            }
        };
    }

    void record(String destination, Exchange exchange) {
        Long sentAt = exchange.getMessage().getHeader("JMSTimestamp", Long.class);
        if (sentAt == null || sentAt <= 0) {
            return;
        }
        Context parent = openTelemetry.getPropagators().getTextMapPropagator()
                .extract(Context.root(), exchange.getMessage().getHeaders(), HEADERS);
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return; // a message sent without a trace (a producer's own, with no traceparent) starts none here
        }
        Instant now = Instant.now();
        long start = Math.min(sentAt, now.toEpochMilli());
        Boolean redelivered = exchange.getMessage().getHeader("JMSRedelivered", Boolean.class);
        tracer.spanBuilder("queue-wait " + destination)
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(start, TimeUnit.MILLISECONDS)
                .setAttribute("messaging.destination.name", destination)
                .setAttribute("messaging.operation", "wait")
                .setAttribute("engine.redelivered", Boolean.TRUE.equals(redelivered))
                .startSpan()
                .end(now);
    }
}
