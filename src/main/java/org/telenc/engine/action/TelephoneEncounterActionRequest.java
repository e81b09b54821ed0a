package org.telenc.engine.action;

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
 * An add-action request as bound from JSON: the EMR's id of the encounter (an integer already
 * taken as its decimal string), the note text (PHI) and the priority flag. What could not be bound
 * is kept in {@link #shapeViolations()} for bean validation, as for the encounter request.
 */
@WellFormedRequest
public class TelephoneEncounterActionRequest implements BoundRequest {

    private final Map<ActionField, String> values;
    private final Map<ActionField, String> shapeViolations;

    public TelephoneEncounterActionRequest(Map<ActionField, String> values, Map<ActionField, String> shapeViolations) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.shapeViolations = Collections.unmodifiableMap(new LinkedHashMap<>(shapeViolations));
    }

    @Override
    public Map<ActionField, String> shapeViolations() {
        return shapeViolations;
    }

    @Override
    public List<ActionField> fields() {
        return List.of(ActionField.values());
    }

    @Override
    public Map<ActionField, String> values() {
        return values;
    }

    public String getEmrAppointmentId() {
        return values.get(ActionField.EMR_APPOINTMENT_ID);
    }

    @CodePointLength(max = 10000, message = "text_too_long")
    public String getText() {
        return values.get(ActionField.TEXT);
    }

    @Pattern(regexp = "true|false", message = "invalid_is_high_priority")
    public String getIsHighPriority() {
        return values.get(ActionField.IS_HIGH_PRIORITY);
    }

    /** What a clinic's {@code accepting} extension may change: the priority and the note text; never the encounter. */
    public static final Set<String> EXTENSION_CHANGEABLE = Set.of(ActionField.TEXT.jsonName(),
            ActionField.IS_HIGH_PRIORITY.jsonName());

    @Override
    public Set<String> extensionChangeable() {
        return EXTENSION_CHANGEABLE;
    }

    @Override
    public TelephoneEncounterActionRequest withValues(Map<String, String> byJsonName) {
        Map<ActionField, String> changed = new LinkedHashMap<>();
        for (ActionField field : ActionField.values()) {
            String value = byJsonName.get(field.jsonName());
            if (value != null) {
                changed.put(field, value);
            }
        }
        return new TelephoneEncounterActionRequest(changed, Map.of());
    }

    public boolean highPriority() {
        return "true".equals(getIsHighPriority());
    }

    /** Never prints values: the text is PHI. */
    @Override
    public String toString() {
        return "TelephoneEncounterActionRequest" + values.keySet();
    }
}
