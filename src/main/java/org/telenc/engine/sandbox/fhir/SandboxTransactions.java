package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.NotImplementedOperationException;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.lang3.StringUtils;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The sandbox EMR's FHIR {@code transaction} (POST of a transaction Bundle to the base): creates
 * (with {@code ifNoneExist} on an identifier) and updates (with {@code ifMatch}), in entry order,
 * {@code urn:uuid} fullUrls of earlier entries resolved in later entries' references, all or nothing
 * (one refused entry, say a refill {@link RefillPolicy} refuses, and nothing is written; the answer
 * is the refusal's OperationOutcome). Turned off ({@code engine.sandbox.fhir.transactions=false}),
 * it answers 501 like a server without transactions. A {@code batch} Bundle (on when transactions
 * are) runs each GET entry's search on its own ({@link SandboxBatchSearches}).
 */
public class SandboxTransactions {

    private final FhirContext fhir;
    private final SandboxFhirStore store;
    private final RefillPolicy refillPolicy;
    private final SandboxFeatures features;

    private final SandboxBatchSearches searches;

    SandboxTransactions(FhirContext fhir, SandboxFhirStore store, SandboxFeatures features, int maxIncludesPerPage) {
        this.fhir = fhir;
        this.store = store;
        this.searches = new SandboxBatchSearches(store, maxIncludesPerPage);
        this.refillPolicy = new RefillPolicy(store);
        this.features = features;
    }

    @Transaction
    public Bundle transaction(@TransactionParam Bundle bundle, RequestDetails request) {
        if (!features.transactions()) {
            throw new NotImplementedOperationException("This server does not support transactions or batches");
        }
        if (bundle.getType() == Bundle.BundleType.BATCH) {
            return batch(bundle, request);
        }
        if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
            throw new InvalidRequestException("Only Bundle.type transaction or batch is supported");
        }
        return store.atomically(() -> apply(bundle));
    }

    /** Each GET entry's search ({@link SandboxBatchSearches}) on its own: a refused entry answers its own status. */
    private Bundle batch(Bundle bundle, RequestDetails request) {
        Bundle answer = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Bundle.BundleEntryComponent answered = answer.addEntry();
            try {
                if (entry.getRequest().getMethod() != Bundle.HTTPVerb.GET || !entry.getRequest().hasUrl()) {
                    throw new InvalidRequestException("A batch entry here may only GET a search");
                }
                answered.setResource(searches.search(request, entry.getRequest().getUrl())).getResponse().setStatus("200 OK");
            } catch (BaseServerResponseException refused) {
                OperationOutcome outcome = new OperationOutcome();
                outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.PROCESSING)
                        .setDiagnostics(refused.getMessage());
                answered.getResponse().setStatus(String.valueOf(refused.getStatusCode())).setOutcome(outcome);
            }
        }
        return answer;
    }

    private Bundle apply(Bundle bundle) {
        Map<String, String> resolved = new HashMap<>();
        Bundle answer = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            if (resource == null) {
                throw new InvalidRequestException("A transaction entry without a resource is not supported");
            }
            for (Reference reference : fhir.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
                if (reference.hasReference() && resolved.containsKey(reference.getReference())) {
                    reference.setReference(resolved.get(reference.getReference()));
                }
            }
            Bundle.BundleEntryRequestComponent request = entry.getRequest();
            Resource written;
            String status;
            if (request.getMethod() == Bundle.HTTPVerb.POST) {
                if (resource instanceof MedicationRequest medicationRequest) {
                    refillPolicy.check(medicationRequest);
                }
                SandboxFhirStore.CreateOutcome<Resource> outcome = request.hasIfNoneExist()
                        ? SandboxResourceProvider.createIfNoneExist(store, resource,
                                SearchFilters.conditionalIdentifier(request.getIfNoneExist()))
                        : new SandboxFhirStore.CreateOutcome<>(store.create(resource), true);
                written = outcome.resource();
                status = outcome.created() ? "201 Created" : "200 OK";
            } else if (request.getMethod() == Bundle.HTTPVerb.PUT) {
                String id = StringUtils.substringAfter(request.getUrl(), "/");
                resource.setId(id);
                String version = request.hasIfMatch()
                        ? StringUtils.strip(StringUtils.removeStart(request.getIfMatch().trim(), "W/"), "\"") : null;
                written = store.update(resource, version);
                status = "200 OK";
            } else {
                throw new InvalidRequestException("Transaction entries may only POST or PUT here");
            }
            if (entry.hasFullUrl()) {
                resolved.put(entry.getFullUrl(), written.fhirType() + "/" + written.getIdElement().getIdPart());
            }
            answer.addEntry().setResource(written).getResponse().setStatus(status)
                    .setLocation(written.fhirType() + "/" + written.getIdElement().getIdPart() + "/_history/"
                            + written.getMeta().getVersionId());
        }
        return answer;
    }

}
