package org.telenc.engine.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiException;

/**
 * Binds the JSON tree that camel-jackson parsed (contract 2.1, checks 2 to 4): it must be one JSON
 * object; required fields absent, null or blank are missing; ids may be integers (taken as their
 * decimal string); the flag may be a boolean; any other type is invalid. Unknown fields are ignored.
 * The route's unmarshal already refuses duplicate keys and trailing content. The same rules bind
 * the create request ({@link #parse}) and the add-action request ({@link #parseAction}).
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

    /** The same binding from raw text (the parsing rules of the route's camel-jackson unmarshal). */
    public TelephoneEncounterRequest parseText(String body) {
        return parse(readObject(body));
    }

    public TelephoneEncounterRequest parse(JsonNode root) {
        Map<RequestField, String> values = new LinkedHashMap<>();
        Map<RequestField, String> violations = new LinkedHashMap<>();
        bindAll(root, RequestField.values(), values, violations);
        return new TelephoneEncounterRequest(values, violations);
    }

    /** The add-action request, by the same rules. */
    public TelephoneEncounterActionRequest parseAction(JsonNode root) {
        Map<ActionField, String> values = new LinkedHashMap<>();
        Map<ActionField, String> violations = new LinkedHashMap<>();
        bindAll(root, ActionField.values(), values, violations);
        return new TelephoneEncounterActionRequest(values, violations);
    }

    /** {@link #parseAction} from raw text. */
    public TelephoneEncounterActionRequest parseActionText(String body) {
        return parseAction(readObject(body));
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
