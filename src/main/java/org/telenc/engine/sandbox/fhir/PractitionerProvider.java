package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Practitioner;

/** Practitioner (providers and staff): read, search by active, identifier (NPI) and _id, and (conditional) create. */
class PractitionerProvider extends SandboxResourceProvider<Practitioner> {

    PractitionerProvider(SandboxFhirStore store) {
        super(store, Practitioner.class, Practitioner::getIdentifier);
    }

    @Read
    public Practitioner read(@IdParam IdType id) {
        return readResource(id);
    }

    @Search
    public List<Practitioner> search(RequestDetails request,
            @OptionalParam(name = Practitioner.SP_ACTIVE) TokenParam active,
            @OptionalParam(name = Practitioner.SP_IDENTIFIER) TokenParam identifier,
            @OptionalParam(name = IAnyResource.SP_RES_ID) TokenParam id) {
        return search(request, SearchFilters.<Practitioner>code(active, p -> p.hasActive() ? String.valueOf(p.getActive()) : null)
                .and(identifier(identifier))
                .and(SearchFilters.id(id)));
    }

    @Create
    public MethodOutcome create(@ResourceParam Practitioner practitioner, @ConditionalUrlParam String conditionalUrl) {
        return createResource(practitioner, conditionalUrl);
    }
}
