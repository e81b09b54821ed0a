package org.telenc.engine.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON Merge Patch (RFC 7396): a patch object changes only the members it names; a member whose
 * value is {@code null} is removed; an object value merges into the target's object member, any
 * other value replaces it; a patch that is not an object replaces the whole target. Neither input
 * is changed.
 */
final class JsonMergePatch {

    private JsonMergePatch() {
    }

    /** The target (null: none) with the patch applied; null when the result is the JSON null. */
    static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            return patch == null || patch.isNull() ? null : patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> members = patch.fields(); members.hasNext();) {
            Map.Entry<String, JsonNode> member = members.next();
            if (member.getValue().isNull()) {
                result.remove(member.getKey());
            } else {
                JsonNode merged = apply(result.get(member.getKey()), member.getValue());
                result.set(member.getKey(), merged);
            }
        }
        return result;
    }
}
