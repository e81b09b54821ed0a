package org.telenc.engine.intake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request body as {@link RequestParser} bound it: the values, and what could not be bound
 * (missing required fields, wrong JSON types) so that bean validation reports it, through
 * {@link WellFormedRequest}, in contract order together with the value rules.
 */
public interface BoundRequest {

    /** Field → error code (missing_required_field or invalid_field_type) found while binding. */
    Map<? extends BodyField, String> shapeViolations();

    /** The bound values by field (only fields the request had). */
    Map<? extends BodyField, String> values();

    /** The bound values by JSON name, in field order: the payload stored with the request. */
    default Map<String, String> valuesByJsonName() {
        Map<String, String> byName = new LinkedHashMap<>();
        values().forEach((field, value) -> byName.put(field.jsonName(), value));
        return byName;
    }

    /**
     * The same kind of request with these values (by JSON name; a name that is no field of the kind
     * is dropped) and no shape violations: what a clinic's extension route changed it into.
     */
    BoundRequest withValues(Map<String, String> byJsonName);

    /** The fields (JSON names) a clinic's {@code accepting} extension may change; none by default. */
    default java.util.Set<String> extensionChangeable() {
        return java.util.Set.of();
    }

    /** Every field of this kind of request, in contract order. */
    List<? extends BodyField> fields();

    /** The field a validation property path names: its JSON name or the getter's camelCase name. */
    default Optional<BodyField> field(String propertyName) {
        String snake = propertyName.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
        for (BodyField field : fields()) {
            if (field.jsonName().equals(propertyName) || field.jsonName().equals(snake)) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }
}
