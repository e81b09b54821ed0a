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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.method.ResponsePage;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.apache.commons.lang3.StringUtils;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/** Patient: read, search by identifier (MRN) and _id, and version-aware update. */
class PatientProvider extends SandboxResourceProvider<Patient> {

    private static final String INCLUDE_MEDICATION = "MedicationRequest:medication";

    private final SandboxFeatures features;
    private final int maxIncludesPerPage;

    /**
     * @param features whether a search may bring the patients' orders ({@code _revinclude=MedicationRequest:patient})
     * @param maxIncludesPerPage the {@link SandboxIncludes} cap
     */
    PatientProvider(SandboxFhirStore store, SandboxFeatures features, int maxIncludesPerPage) {
        super(store, Patient.class, Patient::getIdentifier);
        this.features = features;
        this.maxIncludesPerPage = maxIncludesPerPage;
    }

    @Read
    public Patient read(@IdParam IdType id) {
        return readResource(id);
    }

    /**
     * The matching patients; with {@code _revinclude=MedicationRequest:patient}, their orders too
     * (search mode include), and with {@code _include:iterate=MedicationRequest:medication} the
     * Medications those name. A server told not to answer _revinclude refuses it (400).
     */
    @Search
    public IBundleProvider search(RequestDetails request,
            @OptionalParam(name = Patient.SP_IDENTIFIER) TokenParam identifier,
            @OptionalParam(name = IAnyResource.SP_RES_ID) TokenParam id,
            @IncludeParam(reverse = true) Set<Include> revIncludes,
            @IncludeParam Set<Include> includes) {
        List<Patient> patients = search(request, identifier, null, identifier(identifier).and(SearchFilters.id(id)));
        if (revIncludes == null || revIncludes.isEmpty()) {
            return new SimpleBundleProvider(patients);
        }
        if (!features.revInclude() || revIncludes.stream().anyMatch(r -> !SandboxCapabilities.REVINCLUDE_ORDERS.equals(r.getValue()))) {
            throw new InvalidRequestException("_revinclude is not supported for these values");
        }
        boolean medications = includes != null && includes.stream().anyMatch(i -> INCLUDE_MEDICATION.equals(i.getValue()));
        // paged by patient, each page with its patients' orders, as a FHIR server pages an _revinclude
        // search: at most maxIncludesPerPage included resources (orders and medications) per page
        return new SimpleBundleProvider(patients) {
            @Override
            public List<IBaseResource> getResources(int from, int to, ResponsePage.ResponsePageBuilder page) {
                List<IBaseResource> entries = new ArrayList<>(super.getResources(from, to, page));
                SandboxIncludes budget = SandboxIncludes.forPage(maxIncludesPerPage);
                for (IBaseResource patient : List.copyOf(entries)) {
                    String patientId = patient.getIdElement().getIdPart();
                    for (MedicationRequest order : store.findByPatient(MedicationRequest.class, patientId, o -> o.hasSubject()
                            && patientId.equals(o.getSubject().getReferenceElement().getIdPart()))) {
                        if (!budget.take()) {
                            return entries;
                        }
                        ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(order, BundleEntrySearchModeEnum.INCLUDE);
                        entries.add(order);
                        if (medications) {
                            budget.attachMedications(store, List.of(order));
                        }
                    }
                }
                return entries;
            }
        };
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
