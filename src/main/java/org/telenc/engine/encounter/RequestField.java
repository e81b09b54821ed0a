package org.telenc.engine.encounter;

import java.util.Optional;
import org.telenc.engine.intake.BodyField;

/**
 * The fields of a create-telephone-encounter request, in the order of docs/api.md "Request body": checks
 * 3 to 10 take fields in this order.
 */
public enum RequestField implements BodyField {
    PATIENT_MRN("patient_mrn", Kind.ID, true),
    PROVIDER_ID("provider_id", Kind.ID, true),
    LOCATION_ID("location_id", Kind.ID, true),
    ASSIGNED_TO_ID("assigned_to_id", Kind.ID, true),
    REASON("reason", Kind.TEXT, false),
    REFILL_MEDICATION_NAME("refill_medication_name", Kind.TEXT, false),
    PHARMACY_EHR_ID("pharmacy_ehr_id", Kind.ID, false),
    CALLER("caller", Kind.TEXT, false),
    MESSAGE("message", Kind.TEXT, false),
    IS_HIGH_PRIORITY("is_high_priority", Kind.FLAG, false),
    TEMPLATE_NAME("template_name", Kind.TEXT, false);

    private final Spec spec;

    RequestField(String jsonName, Kind kind, boolean required) {
        this.spec = new Spec(jsonName, kind, required);
    }

    @Override
    public Spec spec() {
        return spec;
    }

    public static Optional<RequestField> byJsonName(String name) {
        for (RequestField field : values()) {
            if (field.jsonName().equals(name)) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }
}
