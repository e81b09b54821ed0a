package org.telenc.engine.encounter;

import java.util.List;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.emr.EmrAdapters;
import org.telenc.engine.reference.ReferenceRepository;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.tenancy.Caller;

/**
 * Checks 11 to 16 of docs/api.md "Errors, in the order they are checked", against the synced reference tables (never the EMR); only active
 * rows count, all read in one statement. Messages carry the ids the caller sent, which are not PHI.
 */
@Component("referenceChecks")
public class ReferenceChecks {

    private final ReferenceRepository references;
    private final EmrAdapters adapters;

    public ReferenceChecks(ReferenceRepository references, EmrAdapters adapters) {
        this.references = references;
        this.adapters = adapters;
    }

    public void check(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller, TelephoneEncounterRequest request) {
        String pharmacy = request.getPharmacyEhrId();
        ReferenceRepository.IntakeFacts facts = references.intakeFacts(caller.connectionId(), caller.emrUserEhrId(),
                request.getProviderId(), request.getAssignedToId(), request.getLocationId(), pharmacy);
        checkUserAndEmr(caller, facts, adapters.supportsTelephoneEncounters(caller.emrType()),
                !Boolean.FALSE.equals(facts.telephoneEncounters()));
        if (!facts.provider()) {
            throw new ApiException(404, "provider_not_found", "Provider not found: provider_id " + request.getProviderId()
                    + " does not exist in the providers table. Sync providers using GET /v1/providers.");
        }
        if (!facts.staff()) {
            throw new ApiException(404, "staff_member_not_found", "Staff member not found: assigned_to_id "
                    + request.getAssignedToId() + " does not exist in the staff list. Sync staff using GET /v1/staff.");
        }
        if (!facts.location()) {
            throw new ApiException(404, "location_not_found", "Location not found: location_id " + request.getLocationId()
                    + " does not exist in the locations table. Call GET /v1/locations to resolve this error.");
        }
        if (pharmacy != null && !facts.pharmacy()) {
            throw new ApiException(404, "pharmacy_not_found", "Pharmacy not found: pharmacy_ehr_id " + pharmacy
                    + " does not exist in your organization's pharmacy list. Call GET /v1/pharmacies to see available pharmacies.");
        }
    }

    /** The add-action request's checks after validation: user_not_found, then unsupported_emr. */
    public void checkAction(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller) {
        ReferenceRepository.IntakeFacts facts = references.intakeFacts(caller.connectionId(), caller.emrUserEhrId(),
                null, null, null, null);
        checkUserAndEmr(caller, facts, adapters.supportsEncounterActions(caller.emrType()), true);
    }

    /**
     * Checks 11 and 12: an EMR type without the adapter operations is unsupported_emr whatever its
     * user list holds (it never syncs, so it has none); else reference data is there at all (else
     * 503, nothing kept), the token's EMR user is still listed, and the connection's server can
     * make telephone encounters.
     */
    private void checkUserAndEmr(Caller caller, ReferenceRepository.IntakeFacts facts, boolean adapter,
            boolean serverCapable) {
        if (!adapter) {
            throw unsupportedEmr();
        }
        if (adapters.supportsReferencePull(caller.emrType()) && !facts.everSynced()) {
            // no reference data yet (the engine just started): nothing can be checked, nothing is kept
            throw new ApiException(503, "service_unavailable", "The service is temporarily unavailable. Retry the request.",
                    List.of(), 2);
        }
        if (!facts.user()) {
            throw new ApiException(404, "user_not_found", "User not found.");
        }
        if (!serverCapable) {
            throw unsupportedEmr();
        }
    }

    private static ApiException unsupportedEmr() {
        return new ApiException(400, "unsupported_emr", "Telephone encounters are not supported for this EMR.");
    }
}
