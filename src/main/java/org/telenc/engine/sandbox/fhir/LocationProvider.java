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
import org.hl7.fhir.r4.model.Location;

/** Location (clinic sites): read, search by status, identifier and _id. */
class LocationProvider extends SandboxResourceProvider<Location> {

    LocationProvider(SandboxFhirStore store) {
        super(store, Location.class, Location::getIdentifier);
    }

    @Read
    public Location read(@IdParam IdType id) {
        return readResource(id);
    }

    @Search
    public List<Location> search(RequestDetails request,
            @OptionalParam(name = Location.SP_STATUS) TokenParam status,
            @OptionalParam(name = Location.SP_IDENTIFIER) TokenParam identifier,
            @OptionalParam(name = IAnyResource.SP_RES_ID) TokenParam id) {
        return search(request, SearchFilters.<Location>code(status, l -> l.hasStatus() ? l.getStatus().toCode() : null)
                .and(identifier(identifier))
                .and(SearchFilters.id(id)));
    }
}
