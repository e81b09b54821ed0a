package org.telenc.engine.action;

import org.telenc.engine.intake.BodyField;

/**
 * The fields of an add-action request ({@code POST /v1/telephone-encounters/actions}), in the
 * order its checks take them: emr_appointment_id, text, is_high_priority.
 */
public enum ActionField implements BodyField {
    EMR_APPOINTMENT_ID("emr_appointment_id", Kind.ID, true),
    TEXT("text", Kind.TEXT, true),
    IS_HIGH_PRIORITY("is_high_priority", Kind.FLAG, false);

    private final Spec spec;

    ActionField(String jsonName, Kind kind, boolean required) {
        this.spec = new Spec(jsonName, kind, required);
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
