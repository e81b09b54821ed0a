package org.telenc.engine.emr.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.io.IOException;
import java.util.Map;

/**
 * The field lists of the emr.rest beans: {@code "target=expression target=expression ..."},
 * separated by spaces. An expression is a JsonPath ({@code $.patients[*].patient_id},
 * {@code $.cases[0].case_id}; the language of camel-jsonpath, evaluated with the same Jayway
 * JsonPath library) over the source JSON (a record, a map or a JSON text); an indefinite path
 * ({@code [*]}, {@code ..}, a filter) gives the list of what it matches. {@code target=@text}
 * writes the literal ({@code true}, {@code false}, a whole number, else the text). A dotted target
 * builds nested objects. An empty list is the source itself. Missing values are left out.
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
            JsonNode value;
            if (path.startsWith("@")) {
                value = literal(path.substring(1));
            } else if (path.startsWith("$")) {
                value = jsonPath(source, path);
            } else {
                throw new IllegalArgumentException("field list entry " + target + ": not a JsonPath ($...) nor a literal (@...)");
            }
            if (value != null && !value.isMissingNode() && !value.isNull()) {
                put(out, target, value);
            }
        }
        return out;
    }

    private static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider()).mappingProvider(new JacksonMappingProvider())
            .options(Option.SUPPRESS_EXCEPTIONS).build();

    /** The value the JsonPath picks from the source (an array for an indefinite path), or null. */
    static JsonNode jsonPath(JsonNode source, String path) {
        JsonPath compiled = COMPILED.computeIfAbsent(path, JsonFields::compile);
        Object found = JsonPath.using(JSON_PATH).parse(source).read(compiled);
        if (found == null) {
            return null;
        }
        return found instanceof JsonNode node ? node : MAPPER.valueToTree(found);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Compiled once per mapping text (a route's mappings are a handful of constants). */
    private static final Map<String, JsonPath> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

    /** A malformed path is the adapter's bug, named at once, not a value silently missing. */
    private static JsonPath compile(String path) {
        try {
            return JsonPath.compile(path);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a JsonPath: " + path + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The value at a dotted path of field names (a number picks an array element), or null. */
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
