package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Resource;

/**
 * The search-result cache of a HAPI FHIR JPA server ({@code reuse_cached_search_results_millis}),
 * so the sandbox can behave like one: an identical search (same resource type, same parameters
 * and values) within {@code reuseFor} of a stored one answers the ids that search matched then,
 * each read as it is now; resources created since are not seen. {@code Cache-Control} is honoured
 * as HAPI JPA does ({@link CacheControlDirective}): {@code no-cache} runs the search afresh and
 * stores it for later searches; {@code no-store} runs it afresh and stores nothing.
 *
 * <p>Off ({@link Duration#ZERO}) unless {@code engine.sandbox.fhir.search-cache} says otherwise, or
 * {@link #keepFor} (tests) changes it at run time.
 */
public final class SandboxSearchCache {

    private final SandboxFhirStore store;
    private volatile Duration reuseFor;
    private final Clock clock;
    private final Map<String, Stored> searches = new ConcurrentHashMap<>();

    public SandboxSearchCache(SandboxFhirStore store, Duration reuseFor, Clock clock) {
        this.store = store;
        this.reuseFor = reuseFor == null ? Duration.ZERO : reuseFor;
        this.clock = clock;
    }

    /** From now on, reuse identical searches for this long ({@link Duration#ZERO}: off); forgets every stored search. */
    public void keepFor(Duration duration) {
        searches.clear();
        reuseFor = duration == null ? Duration.ZERO : duration;
    }

    /** A cache that never reuses a search. */
    static SandboxSearchCache off(SandboxFhirStore store) {
        return new SandboxSearchCache(store, Duration.ZERO, Clock.systemUTC());
    }

    /** The search's matches: reused from an identical search when the cache and the request allow it, else run. */
    <T extends Resource> List<T> search(Class<T> type, RequestDetails request, Supplier<List<T>> run) {
        Duration reuseFor = this.reuseFor;
        if (reuseFor.isZero() || reuseFor.isNegative() || request == null) {
            return run.get();
        }
        CacheControlDirective directive = new CacheControlDirective().parse(request.getHeaders(Constants.HEADER_CACHE_CONTROL));
        if (directive.isNoStore()) {
            return run.get();
        }
        String key = key(type, request);
        Instant now = clock.instant();
        if (!directive.isNoCache()) {
            Stored stored = searches.get(key);
            if (stored != null && stored.at().plus(reuseFor).isAfter(now)) {
                return stored.ids().stream().map(id -> store.read(type, id)).flatMap(Optional::stream).toList();
            }
        }
        List<T> matches = run.get();
        searches.put(key, new Stored(matches.stream().map(r -> r.getIdElement().getIdPart()).toList(), now));
        return matches;
    }

    /** The resource type and every parameter with its values, in a stable order. */
    private static String key(Class<? extends Resource> type, RequestDetails request) {
        Map<String, String[]> parameters = new TreeMap<>(request.getParameters());
        return type.getSimpleName() + "?" + parameters.entrySet().stream()
                .map(e -> e.getKey() + "=" + Arrays.stream(e.getValue()).sorted().collect(Collectors.joining(",")))
                .collect(Collectors.joining("&"));
    }

    private record Stored(List<String> ids, Instant at) {}
}
