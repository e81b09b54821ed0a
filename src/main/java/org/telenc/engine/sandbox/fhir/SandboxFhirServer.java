package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.api.BundleInclusionRule;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.List;

/**
 * The embedded sandbox EMR: a FHIR R4 HTTP server (HAPI plain {@link RestfulServer}) over a
 * {@link SandboxFhirStore}, serving Patient, Practitioner, Location, Organization, Medication,
 * MedicationRequest, Encounter, Communication and Task with searches that really filter. The
 * engine calls it over HTTP exactly like a clinic's FHIR server.
 *
 * <p>JSON by default; self links follow the incoming request's address; {@code _count} pages
 * through a memory paging provider (50 per page by default, at most 200).
 */
public class SandboxFhirServer extends RestfulServer {

    private static final int STORED_SEARCHES = 100;
    private static final int DEFAULT_PAGE_SIZE = 50;
    private static final int MAXIMUM_PAGE_SIZE = 200;

    private final SandboxFeatures features;

    public SandboxFhirServer(FhirContext fhirContext, SandboxFhirStore store) {
        this(fhirContext, store, SandboxSearchCache.off(store));
    }

    /** @param searchCache answers identical searches from earlier ones, like a HAPI JPA server's cache */
    public SandboxFhirServer(FhirContext fhirContext, SandboxFhirStore store, SandboxSearchCache searchCache) {
        this(fhirContext, store, searchCache, Options.DEFAULTS, new SandboxVersionConflicts(412));
    }

    /**
     * @param options what the server takes and answers ({@link Options})
     * @param versionConflicts how it answers a write that names a stale version
     */
    public SandboxFhirServer(FhirContext fhirContext, SandboxFhirStore store, SandboxSearchCache searchCache,
            Options options, SandboxVersionConflicts versionConflicts) {
        super(fhirContext);
        setDefaultResponseEncoding(EncodingEnum.JSON);
        setServerAddressStrategy(new IncomingRequestAddressStrategy());
        // HAPI's include-path matching misses choice elements such as MedicationRequest.medication[x];
        // providers attach a referenced resource only when the request asks for it in _include.
        setBundleInclusionRule(BundleInclusionRule.BASED_ON_RESOURCE_PRESENCE);
        FifoMemoryPagingProvider pagingProvider = new FifoMemoryPagingProvider(STORED_SEARCHES);
        pagingProvider.setDefaultPageSize(DEFAULT_PAGE_SIZE);
        pagingProvider.setMaximumPageSize(MAXIMUM_PAGE_SIZE);
        setPagingProvider(pagingProvider);
        this.features = new SandboxFeatures(options.transactions(), options.revInclude());
        List<SandboxResourceProvider<?>> providers = List.of(
                new PatientProvider(store, features, options.maxIncludesPerPage()),
                new PractitionerProvider(store),
                new LocationProvider(store),
                new OrganizationProvider(store),
                new MedicationProvider(store),
                new MedicationRequestProvider(store, options.maxIncludesPerPage()),
                new EncounterProvider(store),
                new CommunicationProvider(store),
                new TaskProvider(store),
                new ListProvider(store));
        providers.forEach(provider -> provider.useSearchCache(searchCache));
        registerProviders(providers);
        registerProvider(new SandboxTransactions(fhirContext, store, features, options.maxIncludesPerPage()));
        registerInterceptor(new SandboxCapabilities(features));
        registerInterceptor(versionConflicts);
    }

    /** The batching features it has now, which can be switched while it runs. */
    public SandboxFeatures features() {
        return features;
    }

    /**
     * @param transactions whether it takes FHIR transaction and batch Bundles (else 501)
     * @param revInclude whether a Patient search answers {@code _revinclude=MedicationRequest:patient} (else 400)
     * @param maxIncludesPerPage the most included resources per page of a search ({@link SandboxIncludes}; 0: no cap)
     */
    public record Options(boolean transactions, boolean revInclude, int maxIncludesPerPage) {

        public static final Options DEFAULTS = new Options(true, true, SandboxIncludes.HAPI_JPA_DEFAULT);
    }
}
