package org.telenc.engine.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Request bodies for tests, built by Jackson rather than by joining strings: {@code Json.object("patient_mrn",
 * mrn, "emr_attempt", 3)} is {@code {"patient_mrn":"100236","emr_attempt":3}}, keys in the order given, values
 * escaped as JSON needs. A {@code null} value leaves its key out (an optional field not sent); an explicit JSON
 * null is {@code NullNode.instance}. A value may be a String, a number, a boolean, a {@link JsonNode} (a nested
 * object, or a fragment read with {@link #tree}), or anything Jackson binds (a map, a list, a record).
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** The object of the name/value pairs, as text. */
    public static String object(Object... namesAndValues) {
        return text(node(namesAndValues));
    }

    /** The object of the name/value pairs, to add to before it is written. */
    public static ObjectNode node(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        ObjectNode node = MAPPER.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            with(node, (String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return node;
    }

    /** Adds (or replaces) one field, leaving it out when {@code value} is null; answers the node. */
    public static ObjectNode with(ObjectNode node, String name, Object value) {
        if (value != null) {
            node.set(name, value instanceof JsonNode json ? json : MAPPER.valueToTree(value));
        }
        return node;
    }

    /** Some JSON text read as a tree (a fragment a test keeps as text, such as a clinic's settings). */
    public static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The compact text of a tree or of anything Jackson binds. */
    public static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
