package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.commons.lang3.StringUtils;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

/**
 * What every sandbox resource provider shares: read, search and (conditional) create against the
 * {@link SandboxFhirStore}. Subclasses declare the HAPI-annotated operations their resource type
 * supports and delegate here.
 */
abstract class SandboxResourceProvider<T extends Resource> implements IResourceProvider {

    protected final SandboxFhirStore store;
    private final Class<T> type;
    private final Function<T, List<Identifier>> identifiers;
    private SandboxSearchCache searchCache;

    SandboxResourceProvider(SandboxFhirStore store, Class<T> type, Function<T, List<Identifier>> identifiers) {
        this.store = store;
        this.type = type;
        this.identifiers = identifiers;
        this.searchCache = SandboxSearchCache.off(store);
    }

    /** Searches go through this cache (off unless the server is told to keep one). */
    void useSearchCache(SandboxSearchCache cache) {
        this.searchCache = cache;
    }

    @Override
    public Class<T> getResourceType() {
        return type;
    }

    protected T readResource(IdType id) {
        return store.read(type, id.getIdPart()).orElseThrow(() -> new ResourceNotFoundException(id));
    }

    /**
     * The matching resources, marked as {@code search.mode = match} for the Bundle; through the
     * server's {@link SandboxSearchCache}, which may answer an identical earlier search's matches.
     */
    protected List<T> search(RequestDetails request, Predicate<? super T> filter) {
        return search(request, null, null, filter);
    }

    /**
     * As {@link #search(RequestDetails, Predicate)}, from the store's index when the search names
     * an identifier value or a patient (either may be null), else by a scan of the type. The
     * filter still applies in full (the index only narrows the candidates).
     */
    protected List<T> search(RequestDetails request, TokenParam identifier, String patientId, Predicate<? super T> filter) {
        Supplier<List<T>> run;
        if (identifier != null && StringUtils.isNotBlank(identifier.getValue())) {
            String system = StringUtils.isBlank(identifier.getSystem()) ? null : identifier.getSystem();
            run = () -> store.findByIdentifier(type, system, identifier.getValue(), filter);
        } else if (patientId != null) {
            run = () -> store.findByPatient(type, patientId, filter);
        } else {
            run = () -> store.find(type, filter);
        }
        List<T> matches = searchCache.search(type, request, run);
        matches.forEach(match -> ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(match, BundleEntrySearchModeEnum.MATCH));
        return matches;
    }

    protected Predicate<T> identifier(TokenParam param) {
        return SearchFilters.identifier(param, identifiers);
    }

    /**
     * Creates the resource, or, when {@code conditionalUrl} (the {@code If-None-Exist} header) is
     * given and exactly one resource already has that identifier, answers 200 with that resource
     * and creates nothing.
     */
    protected MethodOutcome createResource(T resource, String conditionalUrl) {
        SandboxFhirStore.CreateOutcome<T> outcome = conditionalUrl == null
                ? new SandboxFhirStore.CreateOutcome<>(store.create(resource), true)
                : createIfNoneExist(store, resource, SearchFilters.conditionalIdentifier(conditionalUrl));
        return outcome(outcome.resource(), outcome.created());
    }

    /** The conditional create of an {@code If-None-Exist} identifier criterion, on the store's identifier index. */
    static <R extends Resource> SandboxFhirStore.CreateOutcome<R> createIfNoneExist(SandboxFhirStore store, R resource,
            TokenParam identifier) {
        return store.createIfNoneExist(resource, StringUtils.isBlank(identifier.getSystem()) ? null : identifier.getSystem(),
                identifier.getValue());
    }

    protected static MethodOutcome outcome(Resource resource, boolean created) {
        MethodOutcome outcome = new MethodOutcome(resource.getIdElement(), created);
        outcome.setResource(resource);
        return outcome;
    }
}
