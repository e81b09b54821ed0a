package org.telenc.engine.observability;

import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What leaves the engine in a span: its name and the attributes named here, no query string (a FHIR
 * search names the patient's MRN in it: {@code Patient?identifier=...}), no event attributes (an
 * exception's message may quote a request) and no error object. Every other attribute is dropped,
 * so a new instrumentation cannot leak a request's fields by adding a tag.
 */
public class PhiFreeSpans implements SpanFilter {

    /** Attributes kept, by exact key or by a prefix ending in a dot. */
    static final Set<String> KEPT = Set.of("component", "op", "camel.uri", "url.scheme", "url.path", "http.method",
            "http.request.method", "http.status_code", "http.response.status_code", "http.route", "method", "status",
            "outcome", "uri", "error", "exception", "emr.", "engine.", "messaging.destination.name", "messaging.system",
            "messaging.operation", "server.address", "server.port", "net.peer.name", "net.peer.port", "otel.", "camel.route.id");

    @Override
    public FinishedSpan map(FinishedSpan span) {
        span.setName(withoutQuery(span.getName()));
        Map<String, Object> kept = new LinkedHashMap<>();
        span.getTypedTags().forEach((key, value) -> {
            if (kept(key)) {
                kept.put(key, value instanceof String text ? withoutQuery(text) : value);
            }
        });
        span.setTypedTags(kept);
        span.setEvents(List.copyOf(span.getEvents())); // names and times only: their attributes are not copied
        return span;
    }

    static boolean kept(String key) {
        if (KEPT.contains(key)) {
            return true;
        }
        int dot = key.indexOf('.');
        return dot > 0 && KEPT.contains(key.substring(0, dot + 1));
    }

    /** A URI or name up to its query string. */
    static String withoutQuery(String text) {
        if (text == null) {
            return null;
        }
        int query = text.indexOf('?');
        return query < 0 ? text : text.substring(0, query);
    }
}
