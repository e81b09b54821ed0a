package org.telenc.engine.observability;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts Camel's REST spans inside the web server's span of the same request. Spring's server
 * observation makes a span for each request and makes it current; Camel's REST consumer does not
 * look at the current span but starts from the request's {@code traceparent} header, so without
 * this the server's span and the encounter's routes were two traces. A request without a
 * {@code traceparent} of its own is given the server span's one (and its {@code tracestate}), as a
 * proxy in front of the engine would; a caller's own header is left as it is, since the server span
 * already continues it.
 */
final class TraceparentFromServerSpan extends OncePerRequestFilter {

    private final OpenTelemetry openTelemetry;

    TraceparentFromServerSpan(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Context current = Context.current();
        if (request.getHeader("traceparent") != null || !Span.fromContext(current).getSpanContext().isValid()) {
            chain.doFilter(request, response);
            return;
        }
        Map<String, String> added = new LinkedHashMap<>();
        openTelemetry.getPropagators().getTextMapPropagator().inject(current, added, (map, key, value) -> map.put(key, value));
        chain.doFilter(added.isEmpty() ? request : new WithHeaders(request, added), response);
    }

    /** The request with the trace headers added; every other header as sent. */
    private static final class WithHeaders extends HttpServletRequestWrapper {

        private final Map<String, String> added;

        WithHeaders(HttpServletRequest request, Map<String, String> added) {
            super(request);
            this.added = added;
        }

        private String addedValue(String name) {
            return name == null ? null : added.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String getHeader(String name) {
            String value = addedValue(name);
            return value != null ? value : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String value = addedValue(name);
            return value != null ? Collections.enumeration(Set.of(value)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            Set<String> names = new LinkedHashSet<>(Collections.list(super.getHeaderNames()));
            names.addAll(added.keySet());
            return Collections.enumeration(names);
        }
    }
}
