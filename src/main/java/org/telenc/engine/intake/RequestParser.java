package org.telenc.engine.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiException;

/**
 * Binds the JSON tree that camel-jackson parsed (checks 2 to 4 of docs/api.md "Errors, in the order they are checked"): it must be one JSON
 * object; required fields absent, null or blank are missing; ids may be integers (taken as their
 * decimal string); the flag may be a boolean; any other type is invalid. Unknown fields are ignored.
 * The route's unmarshal already refuses duplicate keys and trailing content. The same rules bind
 * every job kind's request: each kind's binder ({@code encounterRequests}, {@code actionRequests})
 * calls {@link #bind} with its fields.
 */
@Component("requestParser")
public class RequestParser {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    /** An empty or blank body is invalid_json before any parser sees it. */
    public void requireContent(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.invalidJson();
        }
    }

    /**
     * Binds a JSON object to a kind's request by the shared rules: {@code fields} are the kind's
     * body fields, {@code request} makes its request from the bound values and the violations.
     */
    public static <F extends BodyField, R> R bind(JsonNode root, F[] fields,
            BiFunction<Map<F, String>, Map<F, String>, R> request) {
        Map<F, String> values = new LinkedHashMap<>();
        Map<F, String> violations = new LinkedHashMap<>();
        bindAll(root, fields, values, violations);
        return request.apply(values, violations);
    }

    private static <F extends BodyField> void bindAll(JsonNode root, F[] fields, Map<F, String> values,
            Map<F, String> violations) {
        if (root == null || !root.isObject()) {
            throw ApiException.invalidJson();
        }
        for (F field : fields) {
            JsonNode node = root.get(field.jsonName());
            if (node == null || node.isNull()) {
                if (field.required()) {
                    violations.put(field, ValidationErrors.MISSING);
                }
                continue;
            }
            String value = bind(field, node);
            if (value == null) {
                violations.put(field, ValidationErrors.INVALID_TYPE);
            } else if (field.required() && value.isBlank()) {
                violations.put(field, ValidationErrors.MISSING);
            } else {
                values.put(field, value);
            }
        }
    }

    /** The JSON object, or invalid_json. The parser's message is never used: it quotes the input. */
    public static JsonNode readObject(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.invalidJson();
        }
        try {
            JsonNode root = STRICT.readTree(body);
            if (root == null || !root.isObject()) {
                throw ApiException.invalidJson();
            }
            return root;
        } catch (JsonProcessingException e) {
            throw ApiException.invalidJson();
        }
    }

    private static String bind(BodyField field, JsonNode node) {
        if (node.isTextual()) {
            return node.textValue();
        }
        return switch (field.kind()) {
            case ID -> node.isIntegralNumber() ? node.bigIntegerValue().toString() : null;
            case FLAG -> node.isBoolean() ? String.valueOf(node.booleanValue()) : null;
            case TEXT -> null;
        };
    }
}
