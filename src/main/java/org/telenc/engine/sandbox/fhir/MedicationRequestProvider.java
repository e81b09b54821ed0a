package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.method.ResponsePage;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationRequest;

/**
 * MedicationRequest (prescriptions, and refill requests as {@code intent=proposal}): read, search
 * by patient, intent, status, identifier, encounter and _id with
 * {@code _include=MedicationRequest:medication}, and (conditional) create subject to
 * {@link RefillPolicy}.
 */
class MedicationRequestProvider extends SandboxResourceProvider<MedicationRequest> {

    private static final String INCLUDE_MEDICATION = "MedicationRequest:medication";

    private final RefillPolicy refillPolicy;
    private final int maxIncludesPerPage;

    /** @param maxIncludesPerPage the {@link SandboxIncludes} cap */
    MedicationRequestProvider(SandboxFhirStore store, int maxIncludesPerPage) {
        super(store, MedicationRequest.class, MedicationRequest::getIdentifier);
        this.refillPolicy = new RefillPolicy(store);
        this.maxIncludesPerPage = maxIncludesPerPage;
    }

    @Read
    public MedicationRequest read(@IdParam IdType id) {
        return readResource(id);
    }

    @Search
    public IBundleProvider search(RequestDetails request,
            @OptionalParam(name = MedicationRequest.SP_PATIENT) ReferenceParam patient,
            @OptionalParam(name = MedicationRequest.SP_INTENT) TokenParam intent,
            @OptionalParam(name = MedicationRequest.SP_STATUS) TokenParam status,
            @OptionalParam(name = MedicationRequest.SP_IDENTIFIER) TokenParam identifier,
            @OptionalParam(name = MedicationRequest.SP_ENCOUNTER) ReferenceParam encounter,
            @OptionalParam(name = IAnyResource.SP_RES_ID) TokenParam id,
            @IncludeParam(allow = INCLUDE_MEDICATION) Set<Include> includes) {
        List<MedicationRequest> orders = search(request, identifier, SearchFilters.patientId(patient),
                SearchFilters.reference(patient, "Patient", MedicationRequest::getSubject)
                        .and(SearchFilters.<MedicationRequest>code(intent, r -> r.hasIntent() ? r.getIntent().toCode() : null))
                        .and(SearchFilters.<MedicationRequest>code(status, r -> r.hasStatus() ? r.getStatus().toCode() : null))
                        .and(identifier(identifier))
                        .and(SearchFilters.reference(encounter, "Encounter", MedicationRequest::getEncounter))
                        .and(SearchFilters.id(id)));
        return withMedications(store, orders,
                includes != null && includes.stream().anyMatch(include -> INCLUDE_MEDICATION.equals(include.getValue())),
                maxIncludesPerPage);
    }

    /** The orders, paged; with their Medications as includes when asked, at most the cap per page. */
    static IBundleProvider withMedications(SandboxFhirStore store, List<MedicationRequest> orders, boolean medications,
            int maxIncludesPerPage) {
        return new SimpleBundleProvider(orders) {
            @Override
            public List<IBaseResource> getResources(int from, int to, ResponsePage.ResponsePageBuilder page) {
                List<IBaseResource> entries = super.getResources(from, to, page);
                if (medications) {
                    SandboxIncludes.forPage(maxIncludesPerPage).attachMedications(store, entries);
                }
                return entries;
            }
        };
    }

    @Create
    public MethodOutcome create(@ResourceParam MedicationRequest request, @ConditionalUrlParam String conditionalUrl) {
        refillPolicy.check(request);
        return createResource(request, conditionalUrl);
    }

}
