package org.telenc.engine.emr.rest;

import static org.telenc.engine.teamroutes.JsonPathMapping.Kind.FIELD_LIST;
import static org.telenc.engine.teamroutes.JsonPathMapping.Kind.OPTIONAL_PATH;
import static org.telenc.engine.teamroutes.JsonPathMapping.Kind.PATH;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrOperations;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.ReferenceRecords;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.teamroutes.JsonPathMapping;

/**
 * The JSON side of an EMR adapter written in YAML, knowing no EMR: turns an answer (JSON text) or
 * the operation's input into a result record of {@link EmrOperations} named by its simple name,
 * with a field list of JsonPath expressions (see {@link JsonFields}: {@code "patientIds=$.patients[*].id"}), and collects the
 * lists of a reference pull into a {@link ReferenceRecords.Snapshot}.
 */
@Component("emrRecords")
public class EmrRecords {

    private final ObjectMapper json = mapper();

    static ObjectMapper mapper() {
        return JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /** The result record {@code recordName} (a record of EmrOperations) from the fields of the body. */
    public Object result(String recordName, @JsonPathMapping(FIELD_LIST) String fields, @Body Object source) {
        return toRecord(recordName, JsonFields.project(JsonFields.tree(json, source), fields));
    }

    /**
     * The result record {@code recordName} whose one list component {@code listField} holds the
     * elements of the array the JsonPath {@code path} picks in the body, each picked with {@code elementFields}
     * (e.g. the patient's medications, each its order id and name).
     */
    public Object resultList(String recordName, String listField, @JsonPathMapping(PATH) String path,
            @JsonPathMapping(FIELD_LIST) String elementFields, @Body Object source) {
        JsonNode array = JsonFields.jsonPath(JsonFields.tree(json, source), path);
        ArrayNode elements = JsonNodeFactory.instance.arrayNode();
        if (array instanceof ArrayNode found) {
            found.forEach(element -> elements.add(JsonFields.project(element, elementFields)));
        } else if (array != null && !array.isNull() && !array.isMissingNode()) {
            throw new EmrPermanentException("emr_rejected", 200, "EMR answer holds no list for " + recordName);
        }
        return toRecord(recordName, JsonNodeFactory.instance.objectNode().set(listField, elements));
    }

    /** The result record from the fields of the operation's input (e.g. an id the EMR does not echo). */
    public Object fromInput(String recordName, @JsonPathMapping(FIELD_LIST) String fields, @ExchangeProperty(ExchangeProperties.EMR_INPUT) Object input) {
        return toRecord(recordName, JsonFields.project(JsonFields.tree(json, input), fields));
    }

    private Object toRecord(String recordName, JsonNode fields) {
        Class<?> type = recordType(recordName);
        try {
            return json.treeToValue(fields, type);
        } catch (Exception e) {
            // the answer's values are never quoted: they may be PHI
            throw new EmrPermanentException("emr_rejected", 200,
                    "EMR answer does not make a " + recordName + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    static Class<?> recordType(String recordName) {
        for (Class<?> nested : EmrOperations.class.getDeclaredClasses()) {
            if (nested.isRecord() && nested.getSimpleName().equals(recordName)) {
                return nested;
            }
        }
        throw new IllegalArgumentException("no result record " + recordName + " in EmrOperations");
    }

    /** A new, empty reference pull (for the exchange property emrReferences). */
    public Map<String, List<JsonNode>> startReferences() {
        return new LinkedHashMap<>();
    }

    /**
     * Adds the elements of the array the JsonPath {@code path} picks in the answer (the answer itself when blank),
     * each picked with the field list, to the pull's list {@code list} (providers, locations, staff,
     * pharmacies or users).
     */
    public void collect(String list, @JsonPathMapping(OPTIONAL_PATH) String path, @JsonPathMapping(FIELD_LIST) String fields, @Body Object source,
            @ExchangeProperty(ExchangeProperties.EMR_REFERENCES) Map<String, List<JsonNode>> pull) {
        JsonNode tree = JsonFields.tree(json, source);
        JsonNode array = path == null || path.isBlank() ? tree : JsonFields.jsonPath(tree, path);
        List<JsonNode> into = pull.computeIfAbsent(list, k -> new ArrayList<>());
        if (array instanceof ArrayNode elements) {
            elements.forEach(element -> into.add(JsonFields.project(element, fields)));
        } else if (array != null && !array.isNull() && !array.isMissingNode()) {
            throw new EmrPermanentException("emr_rejected", 200, "EMR answer holds no list of " + list);
        }
    }

    /** The pull's lists as the reference snapshot sync stores (a list not collected is empty). */
    public ReferenceRecords.Snapshot references(
            @ExchangeProperty(ExchangeProperties.EMR_REFERENCES) Map<String, List<JsonNode>> pull) {
        return new ReferenceRecords.Snapshot(list(pull, "providers", ReferenceRecords.Provider.class),
                list(pull, "locations", ReferenceRecords.Location.class), list(pull, "staff", ReferenceRecords.Staff.class),
                list(pull, "pharmacies", ReferenceRecords.Pharmacy.class), list(pull, "users", ReferenceRecords.User.class));
    }

    private <T> List<T> list(Map<String, List<JsonNode>> pull, String name, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (JsonNode row : pull.getOrDefault(name, List.of())) {
            try {
                out.add(json.treeToValue(row, type));
            } catch (Exception e) {
                throw new EmrPermanentException("emr_rejected", 200,
                        "EMR answer does not make a " + type.getSimpleName() + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        return out;
    }
}
