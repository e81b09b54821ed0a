package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.IdType;

/** Communication (the caller's message on an encounter): (conditional) create, read, search by identifier, encounter and _id. */
class CommunicationProvider extends SandboxResourceProvider<Communication> {

    CommunicationProvider(SandboxFhirStore store) {
        super(store, Communication.class, Communication::getIdentifier);
    }

    @Read
    public Communication read(@IdParam IdType id) {
        return readResource(id);
    }

    @Search
    public List<Communication> search(RequestDetails request,
            @OptionalParam(name = Communication.SP_IDENTIFIER) TokenParam identifier,
            @OptionalParam(name = Communication.SP_ENCOUNTER) ReferenceParam encounter,
            @OptionalParam(name = IAnyResource.SP_RES_ID) TokenParam id) {
        return search(request, identifier, null, identifier(identifier)
                .and(SearchFilters.reference(encounter, "Encounter", Communication::getEncounter))
                .and(SearchFilters.id(id)));
    }

    @Create
    public MethodOutcome create(@ResourceParam Communication communication, @ConditionalUrlParam String conditionalUrl) {
        return createResource(communication, conditionalUrl);
    }
}
