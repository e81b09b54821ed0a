package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IPagingProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.commons.lang3.StringUtils;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The searches a {@code batch} Bundle's GET entries may run on the sandbox EMR: {@code Patient?identifier=}
 * and {@code MedicationRequest?} by {@code patient.identifier} (or {@code patient}), {@code status},
 * {@code intent}, with {@code _include=MedicationRequest:medication} and {@code _count}. Each answers
 * a searchset Bundle as its entry's resource; a result longer than a page is kept by the server's
 * paging provider and linked {@code next} ({@code ?_getpages=}), as HAPI FHIR servers page a batch's
 * searches. Included resources per page follow the {@link SandboxIncludes} cap. Any other search or
 * parameter is refused (400 for that entry).
 */
final class SandboxBatchSearches {

    private static final String INCLUDE_MEDICATION = "MedicationRequest:medication";
    private static final int DEFAULT_PAGE = 50;
    private static final int MAXIMUM_PAGE = 200;

    private final SandboxFhirStore store;
    private final int maxIncludesPerPage;

    SandboxBatchSearches(SandboxFhirStore store, int maxIncludesPerPage) {
        this.store = store;
        this.maxIncludesPerPage = maxIncludesPerPage;
    }

    /** The searchset of one GET entry ({@code Type?query}, relative to the base). */
    Bundle search(RequestDetails request, String url) {
        String type = StringUtils.substringBefore(url, "?");
        Map<String, List<String>> parameters = parameters(StringUtils.substringAfter(url, "?"));
        return switch (type) {
            case "Patient" -> patients(request, parameters);
            case "MedicationRequest" -> orders(request, parameters);
            default -> throw new InvalidRequestException("A batch entry here may search Patient or MedicationRequest, not " + type);
        };
    }

    private Bundle patients(RequestDetails request, Map<String, List<String>> parameters) {
        allowOnly(parameters, "identifier", "_count");
        TokenParam identifier = token(one(parameters, "identifier"));
        if (identifier == null) {
            throw new InvalidRequestException("A batch Patient search here needs identifier");
        }
        List<Patient> patients = byIdentifier(identifier);
        return page(request, "Patient", patients, false, count(parameters));
    }

    private Bundle orders(RequestDetails request, Map<String, List<String>> parameters) {
        allowOnly(parameters, "patient.identifier", "patient", "status", "intent", "_include", "_count");
        List<String> includes = parameters.getOrDefault("_include", List.of());
        if (includes.stream().anyMatch(i -> !INCLUDE_MEDICATION.equals(i))) {
            throw new InvalidRequestException("_include here may only be " + INCLUDE_MEDICATION);
        }
        Set<String> patientIds = new LinkedHashSet<>();
        TokenParam patientIdentifier = token(one(parameters, "patient.identifier"));
        String patient = one(parameters, "patient");
        if (patientIdentifier != null) {
            byIdentifier(patientIdentifier).forEach(p -> patientIds.add(p.getIdElement().getIdPart()));
        } else if (patient != null) {
            patientIds.add(StringUtils.removeStart(patient, "Patient/"));
        } else {
            throw new InvalidRequestException("A batch MedicationRequest search here needs patient or patient.identifier");
        }
        String status = one(parameters, "status");
        String intent = one(parameters, "intent");
        List<MedicationRequest> orders = new ArrayList<>();
        for (String patientId : patientIds) {
            Predicate<MedicationRequest> filter = o -> o.hasSubject()
                    && patientId.equals(o.getSubject().getReferenceElement().getIdPart())
                    && (status == null || (o.hasStatus() && status.equals(o.getStatus().toCode())))
                    && (intent == null || (o.hasIntent() && intent.equals(o.getIntent().toCode())));
            orders.addAll(store.findByPatient(MedicationRequest.class, patientId, filter));
        }
        return page(request, "MedicationRequest", orders, !includes.isEmpty(), count(parameters));
    }

    private List<Patient> byIdentifier(TokenParam identifier) {
        return store.findByIdentifier(Patient.class, StringUtils.isBlank(identifier.getSystem()) ? null : identifier.getSystem(),
                identifier.getValue(), p -> true);
    }

    /** The first page as a searchset; the whole result kept for its next pages when it is longer. */
    private <T extends Resource> Bundle page(RequestDetails request, String type, List<T> matches, boolean medications, int count) {
        matches.forEach(m -> ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(m, BundleEntrySearchModeEnum.MATCH));
        @SuppressWarnings("unchecked")
        IBundleProvider result = medications
                ? MedicationRequestProvider.withMedications(store, (List<MedicationRequest>) matches, true, maxIncludesPerPage)
                : new ca.uhn.fhir.rest.server.SimpleBundleProvider(matches);
        String base = request.getFhirServerBase();
        Bundle searchset = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(matches.size());
        List<IBaseResource> first = result.getResources(0, Math.min(count, matches.size()));
        Map<String, Resource> included = new LinkedHashMap<>();
        for (IBaseResource found : first) {
            Resource match = ((Resource) found).copy();
            if (found instanceof MedicationRequest order && order.hasMedicationReference()
                    && order.getMedicationReference().getResource() instanceof Resource medication) {
                included.putIfAbsent(medication.fhirType() + "/" + medication.getIdElement().getIdPart(), medication);
                ((MedicationRequest) match).setMedication(new Reference(order.getMedicationReference().getReference())
                        .setDisplay(order.getMedicationReference().getDisplay()));
            }
            searchset.addEntry().setFullUrl(base + "/" + match.fhirType() + "/" + match.getIdElement().getIdPart())
                    .setResource(match).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        included.forEach((reference, resource) -> searchset.addEntry().setFullUrl(base + "/" + reference)
                .setResource(resource).getSearch().setMode(Bundle.SearchEntryMode.INCLUDE));
        if (matches.size() > count) {
            IPagingProvider paging = request.getServer().getPagingProvider();
            String id = paging.storeResultList(request, result);
            searchset.addLink().setRelation(Bundle.LINK_NEXT).setUrl(base + "?_getpages=" + URLEncoder.encode(id, StandardCharsets.UTF_8)
                    + "&_getpagesoffset=" + count + "&_count=" + count + "&_bundletype=searchset");
        }
        return searchset;
    }

    private static int count(Map<String, List<String>> parameters) {
        String count = one(parameters, "_count");
        if (count == null) {
            return DEFAULT_PAGE;
        }
        try {
            return Math.max(1, Math.min(MAXIMUM_PAGE, Integer.parseInt(count)));
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("_count must be a number");
        }
    }

    private static TokenParam token(String value) {
        if (value == null) {
            return null;
        }
        int bar = value.indexOf('|');
        return bar < 0 ? new TokenParam(null, value) : new TokenParam(value.substring(0, bar), value.substring(bar + 1));
    }

    private static String one(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidRequestException(name + " may be given once here");
        }
        return values.get(0);
    }

    private static void allowOnly(Map<String, List<String>> parameters, String... allowed) {
        for (String name : parameters.keySet()) {
            if (!List.of(allowed).contains(name)) {
                throw new InvalidRequestException("Search parameter " + name + " is not supported in a batch here");
            }
        }
    }

    private static Map<String, List<String>> parameters(String query) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String name = URLDecoder.decode(StringUtils.substringBefore(pair, "="), StandardCharsets.UTF_8);
            String value = URLDecoder.decode(StringUtils.substringAfter(pair, "="), StandardCharsets.UTF_8);
            parameters.computeIfAbsent(name, ignored -> new ArrayList<>()).add(value);
        }
        return parameters;
    }
}
