package org.telenc.engine.reference;

import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.emr.EmrAdapters;
import org.telenc.engine.intake.TelephoneEncounterRequest;
import org.telenc.engine.tenancy.Caller;

/**
 * Contract 2.3 checks 11 to 16, against the synced reference tables (never the EMR); only active
 * rows count. Messages carry the ids the caller sent, which are not PHI.
 */
@Component("referenceChecks")
public class ReferenceChecks {

    private final ReferenceRepository references;
    private final EmrAdapters adapters;

    public ReferenceChecks(ReferenceRepository references, EmrAdapters adapters) {
        this.references = references;
        this.adapters = adapters;
    }

    public void check(@ExchangeProperty("caller") Caller caller, TelephoneEncounterRequest request) {
        String connection = caller.connectionId();
        checkUserAndEmr(caller, adapters.supportsTelephoneEncounters(caller.emrType())
                && references.telephoneEncounterCapable(caller.connectionId()));
        if (!references.isActive("provider", connection, request.getProviderId())) {
            throw new ApiException(404, "provider_not_found", "Provider not found: provider_id " + request.getProviderId()
                    + " does not exist in the providers table. Sync providers using GET /v1/providers.");
        }
        if (!references.isActive("staff", connection, request.getAssignedToId())) {
            throw new ApiException(404, "staff_member_not_found", "Staff member not found: assigned_to_id "
                    + request.getAssignedToId() + " does not exist in the staff list. Sync staff using GET /v1/staff.");
        }
        if (!references.isActive("location", connection, request.getLocationId())) {
            throw new ApiException(404, "location_not_found", "Location not found: location_id " + request.getLocationId()
                    + " does not exist in the locations table. Call GET /v1/locations to resolve this error.");
        }
        String pharmacy = request.getPharmacyEhrId();
        if (pharmacy != null && !references.isActive("pharmacy", connection, pharmacy)) {
            throw new ApiException(404, "pharmacy_not_found", "Pharmacy not found: pharmacy_ehr_id " + pharmacy
                    + " does not exist in your organization's pharmacy list. Call GET /v1/pharmacies to see available pharmacies.");
        }
    }

    /** The add-action request's checks after validation: user_not_found, then unsupported_emr. */
    public void checkAction(@ExchangeProperty("caller") Caller caller) {
        checkUserAndEmr(caller, adapters.supportsEncounterActions(caller.emrType()));
    }

    /** Checks 11 and 12: the token's EMR user is still listed; the EMR type has the adapter operations. */
    private void checkUserAndEmr(Caller caller, boolean emrSupported) {
        if (adapters.supportsReferencePull(caller.emrType()) && !references.everSynced(caller.connectionId())) {
            // no reference data yet (the engine just started): nothing can be checked, nothing is kept
            throw new ApiException(503, "service_unavailable", "The service is temporarily unavailable. Retry the request.",
                    java.util.List.of(), 2);
        }
        if (!references.isActive("emr_user", caller.connectionId(), caller.emrUserEhrId())) {
            throw new ApiException(404, "user_not_found", "User not found.");
        }
        if (!emrSupported) {
            throw new ApiException(400, "unsupported_emr", "Telephone encounters are not supported for this EMR.");
        }
    }
}
