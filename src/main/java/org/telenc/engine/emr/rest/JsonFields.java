package org.telenc.engine.emr.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/**
 * The field lists of the emr.rest beans: {@code "target=path target=path ..."}, separated by
 * spaces. A path is dotted field names into the source JSON (a record, a map or a JSON text); a
 * number picks an array element ({@code cases.0.id}); a name applied to an array maps over its
 * elements ({@code patients.id}: the ids of all). {@code target=@text} writes the literal
 * ({@code true}, {@code false}, a whole number, else the text). A dotted target builds nested
 * objects. An empty list is the source itself. Missing values are left out.
 */
final class JsonFields {

    private JsonFields() {
    }

    /** The source as a JSON tree: JSON text parsed, anything else converted with Jackson. */
    static JsonNode tree(ObjectMapper json, Object source) {
        if (source == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (source instanceof JsonNode node) {
            return node;
        }
        if (source instanceof byte[] bytes) {
            source = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        if (source instanceof String text) {
            if (text.isBlank()) {
                return JsonNodeFactory.instance.objectNode();
            }
            try {
                return json.readTree(text);
            } catch (IOException e) {
                // never the text itself: an EMR answer may hold PHI
                throw new IllegalArgumentException("not JSON (" + e.getClass().getSimpleName() + ")");
            }
        }
        return json.valueToTree(source);
    }

    /** The fields of the list picked from the source (the source itself for an empty list). */
    static JsonNode project(JsonNode source, String fields) {
        if (fields == null || fields.isBlank()) {
            return source;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String entry : fields.trim().split("\\s+")) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("field list entry is not target=path: " + entry);
            }
            String target = entry.substring(0, eq);
            String path = entry.substring(eq + 1);
            JsonNode value = path.startsWith("@") ? literal(path.substring(1)) : at(source, path);
            if (value != null && !value.isMissingNode() && !value.isNull()) {
                put(out, target, value);
            }
        }
        return out;
    }

    /** The value at a dotted path, or null. */
    static JsonNode at(JsonNode source, String path) {
        JsonNode node = source;
        for (String segment : path.split("\\.")) {
            if (node == null || node.isNull() || node.isMissingNode()) {
                return null;
            }
            node = step(node, segment);
        }
        return node;
    }

    private static JsonNode step(JsonNode node, String segment) {
        if (segment.matches("\\d+")) {
            return node.isArray() ? node.get(Integer.parseInt(segment)) : null;
        }
        if (node.isArray()) {
            ArrayNode all = JsonNodeFactory.instance.arrayNode();
            for (JsonNode element : node) {
                JsonNode value = step(element, segment);
                if (value != null && !value.isNull() && !value.isMissingNode()) {
                    if (value.isArray()) {
                        all.addAll((ArrayNode) value);
                    } else {
                        all.add(value);
                    }
                }
            }
            return all;
        }
        return node.get(segment);
    }

    private static JsonNode literal(String text) {
        if (text.equals("true") || text.equals("false")) {
            return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(text));
        }
        if (text.matches("-?\\d{1,18}")) {
            return JsonNodeFactory.instance.numberNode(Long.parseLong(text));
        }
        return JsonNodeFactory.instance.textNode(text);
    }

    private static void put(ObjectNode out, String target, JsonNode value) {
        int dot = target.indexOf('.');
        if (dot < 0) {
            out.set(target, value);
            return;
        }
        String head = target.substring(0, dot);
        JsonNode child = out.get(head);
        ObjectNode nested = child instanceof ObjectNode o ? o : out.putObject(head);
        put(nested, target.substring(dot + 1), value);
    }

    /** The text of a value for a URL: scalars as they are, or null. */
    static String text(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode() || value.isContainerNode() ? null : value.asText();
    }

    static Map<String, Object> asMap(ObjectMapper json, JsonNode node) {
        return json.convertValue(node, json.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    }
}
