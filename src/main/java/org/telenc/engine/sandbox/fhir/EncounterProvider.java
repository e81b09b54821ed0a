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
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;

/** Encounter (telephone encounters the engine writes): (conditional) create, read, search by identifier, patient/subject and _id. */
class EncounterProvider extends SandboxResourceProvider<Encounter> {

    EncounterProvider(SandboxFhirStore store) {
        super(store, Encounter.class, Encounter::getIdentifier);
    }

    @Read
    public Encounter read(@IdParam IdType id) {
        return readResource(id);
    }

    @Search
    public List<Encounter> search(RequestDetails request,
            @OptionalParam(name = Encounter.SP_IDENTIFIER) TokenParam identifier,
            @OptionalParam(name = Encounter.SP_PATIENT) ReferenceParam patient,
            @OptionalParam(name = Encounter.SP_SUBJECT) ReferenceParam subject,
            @OptionalParam(name = IAnyResource.SP_RES_ID) TokenParam id) {
        return search(request, identifier,
                SearchFilters.patientId(patient != null ? patient : subject), identifier(identifier)
                .and(SearchFilters.reference(patient, "Patient", Encounter::getSubject))
                .and(SearchFilters.reference(subject, "Patient", Encounter::getSubject))
                .and(SearchFilters.id(id)));
    }

    @Create
    public MethodOutcome create(@ResourceParam Encounter encounter, @ConditionalUrlParam String conditionalUrl) {
        return createResource(encounter, conditionalUrl);
    }
}
