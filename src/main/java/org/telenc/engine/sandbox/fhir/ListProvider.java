package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import org.apache.commons.lang3.StringUtils;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ListResource;

/**
 * List (a patient's pharmacy list, for EMRs that keep one as a List resource): read, search by
 * subject, code and identifier, (conditional) create, and update guarded by If-Match.
 */
class ListProvider extends SandboxResourceProvider<ListResource> {

    ListProvider(SandboxFhirStore store) {
        super(store, ListResource.class, ListResource::getIdentifier);
    }

    @Read
    public ListResource read(@IdParam IdType id) {
        return readResource(id);
    }

    @Search
    public List<ListResource> search(RequestDetails request,
            @OptionalParam(name = ListResource.SP_SUBJECT) ReferenceParam subject,
            @OptionalParam(name = ListResource.SP_CODE) TokenParam code,
            @OptionalParam(name = ListResource.SP_IDENTIFIER) TokenParam identifier) {
        return search(request, identifier, SearchFilters.patientId(subject), identifier(identifier)
                .and(SearchFilters.reference(subject, "Patient", ListResource::getSubject))
                .and(SearchFilters.coding(code, l -> List.of(l.getCode()))));
    }

    @Create
    public MethodOutcome create(@ResourceParam ListResource list, @ConditionalUrlParam String conditionalUrl) {
        return createResource(list, conditionalUrl);
    }

    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam ListResource list, RequestDetails request) {
        list.setId(id.getIdPart());
        String etag = request.getHeader(Constants.HEADER_IF_MATCH);
        String version = StringUtils.isBlank(etag) ? null : StringUtils.strip(StringUtils.removeStart(etag.trim(), "W/"), "\"");
        return outcome(store.update(list, version), false);
    }
}
