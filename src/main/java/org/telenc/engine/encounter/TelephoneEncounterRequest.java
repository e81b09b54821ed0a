package org.telenc.engine.encounter;

import jakarta.validation.constraints.Pattern;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.telenc.engine.intake.BoundRequest;
import org.telenc.engine.intake.CodePointLength;
import org.telenc.engine.intake.WellFormedRequest;

/**
 * A create-telephone-encounter request as bound from JSON. Values arrive as strings (integer ids and
 * boolean flags already converted); what could not be bound is kept in {@link #shapeViolations()}
 * so that bean validation reports it in contract order with the value rules.
 */
@WellFormedRequest
public class TelephoneEncounterRequest implements BoundRequest {

    private final Map<RequestField, String> values;
    private final Map<RequestField, String> shapeViolations;

    public TelephoneEncounterRequest(Map<RequestField, String> values, Map<RequestField, String> shapeViolations) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.shapeViolations = Collections.unmodifiableMap(new LinkedHashMap<>(shapeViolations));
    }

    /** Field → error code (missing_required_field or invalid_field_type) found while binding. */
    @Override
    public Map<RequestField, String> shapeViolations() {
        return shapeViolations;
    }

    @Override
    public List<RequestField> fields() {
        return List.of(RequestField.values());
    }

    @Override
    public Map<RequestField, String> values() {
        return values;
    }

    public String getPatientMrn() {
        return values.get(RequestField.PATIENT_MRN);
    }

    public String getProviderId() {
        return values.get(RequestField.PROVIDER_ID);
    }

    public String getLocationId() {
        return values.get(RequestField.LOCATION_ID);
    }

    public String getAssignedToId() {
        return values.get(RequestField.ASSIGNED_TO_ID);
    }

    @CodePointLength(max = 50, message = "reason_too_long")
    public String getReason() {
        return values.get(RequestField.REASON);
    }

    @CodePointLength(min = 2, max = 50, message = "medication_name_invalid_length")
    public String getRefillMedicationName() {
        return values.get(RequestField.REFILL_MEDICATION_NAME);
    }

    public String getPharmacyEhrId() {
        return values.get(RequestField.PHARMACY_EHR_ID);
    }

    @CodePointLength(max = 100, message = "caller_too_long")
    public String getCaller() {
        return values.get(RequestField.CALLER);
    }

    @CodePointLength(max = 10000, message = "message_too_long")
    public String getMessage() {
        return values.get(RequestField.MESSAGE);
    }

    @Pattern(regexp = "true|false", message = "invalid_is_high_priority")
    public String getIsHighPriority() {
        return values.get(RequestField.IS_HIGH_PRIORITY);
    }

    @CodePointLength(max = 100, message = "template_name_too_long")
    public String getTemplateName() {
        return values.get(RequestField.TEMPLATE_NAME);
    }

    /**
     * What a clinic's extension route may change, at intake ({@code accepting}) and before the EMR
     * steps ({@code before-emr}): where and by whom the encounter is filed, its template, reason and
     * priority; never the patient, the caller's words, the medication or the pharmacy.
     */
    public static final Set<String> EXTENSION_CHANGEABLE = Set.of(RequestField.PROVIDER_ID.jsonName(),
            RequestField.LOCATION_ID.jsonName(), RequestField.ASSIGNED_TO_ID.jsonName(), RequestField.TEMPLATE_NAME.jsonName(),
            RequestField.REASON.jsonName(), RequestField.IS_HIGH_PRIORITY.jsonName());

    @Override
    public Set<String> extensionChangeable() {
        return EXTENSION_CHANGEABLE;
    }

    @Override
    public TelephoneEncounterRequest withValues(Map<String, String> byJsonName) {
        Map<RequestField, String> changed = new LinkedHashMap<>();
        for (RequestField field : RequestField.values()) {
            String value = byJsonName.get(field.jsonName());
            if (value != null) {
                changed.put(field, value);
            }
        }
        return new TelephoneEncounterRequest(changed, Map.of());
    }

    public boolean highPriority() {
        return "true".equals(getIsHighPriority());
    }

    /** Never prints values: they are PHI. */
    @Override
    public String toString() {
        return "TelephoneEncounterRequest" + values.keySet();
    }
}
