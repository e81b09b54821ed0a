package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;

/** Organization (pharmacies among them): read, search by type, active, identifier and _id. */
class OrganizationProvider extends SandboxResourceProvider<Organization> {

    OrganizationProvider(SandboxFhirStore store) {
        super(store, Organization.class, Organization::getIdentifier);
    }

    @Read
    public Organization read(@IdParam IdType id) {
        return readResource(id);
    }

    @Search
    public List<Organization> search(RequestDetails request,
            @OptionalParam(name = Organization.SP_TYPE) TokenParam type,
            @OptionalParam(name = Organization.SP_ACTIVE) TokenParam active,
            @OptionalParam(name = Organization.SP_IDENTIFIER) TokenParam identifier,
            @OptionalParam(name = IAnyResource.SP_RES_ID) TokenParam id) {
        return search(request, SearchFilters.coding(type, Organization::getType)
                .and(SearchFilters.<Organization>code(active, o -> o.hasActive() ? String.valueOf(o.getActive()) : null))
                .and(identifier(identifier))
                .and(SearchFilters.id(id)));
    }
}
