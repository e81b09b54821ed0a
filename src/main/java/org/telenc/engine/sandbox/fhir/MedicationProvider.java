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
import org.hl7.fhir.r4.model.Medication;

/** Medication (the drugs that orders reference): read, search by _id. */
class MedicationProvider extends SandboxResourceProvider<Medication> {

    MedicationProvider(SandboxFhirStore store) {
        super(store, Medication.class, Medication::getIdentifier);
    }

    @Read
    public Medication read(@IdParam IdType id) {
        return readResource(id);
    }

    @Search
    public List<Medication> search(RequestDetails request, @OptionalParam(name = IAnyResource.SP_RES_ID) TokenParam id) {
        return search(request, SearchFilters.id(id));
    }
}
