package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import org.apache.commons.lang3.StringUtils;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/** Patient: read, search by identifier (MRN) and _id, and version-aware update. */
class PatientProvider extends SandboxResourceProvider<Patient> {

    PatientProvider(SandboxFhirStore store) {
        super(store, Patient.class, Patient::getIdentifier);
    }

    @Read
    public Patient read(@IdParam IdType id) {
        return readResource(id);
    }

    @Search
    public List<Patient> search(RequestDetails request,
            @OptionalParam(name = Patient.SP_IDENTIFIER) TokenParam identifier,
            @OptionalParam(name = IAnyResource.SP_RES_ID) TokenParam id) {
        return search(request, identifier(identifier).and(SearchFilters.id(id)));
    }

    /** Replaces the patient; when the client sends {@code If-Match}, only if that is still the current version. */
    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam Patient patient, RequestDetails request) {
        patient.setId(id.getIdPart());
        return outcome(store.update(patient, versionFromETag(request.getHeader(Constants.HEADER_IF_MATCH))), false);
    }

    /** {@code W/"3"} or {@code "3"} to {@code 3}; {@code null} when the header is absent. */
    private static String versionFromETag(String etag) {
        if (StringUtils.isBlank(etag)) {
            return null;
        }
        return StringUtils.strip(StringUtils.removeStart(etag.trim(), "W/"), "\"");
    }
}
