package org.telenc.engine.emr.rest;

import static org.telenc.engine.teamroutes.JsonPathMapping.Kind.FIELD_LIST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrNotFoundException;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.teamroutes.JsonPathMapping;

/**
 * The HTTP side of an EMR adapter written in YAML against a REST/JSON API, knowing no EMR: builds
 * a call ({@link EmrRestCall}) from a path template and a field list over the operation's input
 * record (exchange property {@code emrInput}) and the connection, and sorts the answer's HTTP status
 * into the engine's EMR exceptions the way the FHIR adapter does: 2xx the body; 408, 409, 412,
 * 429, 5xx retryable; 401/403 login_required; 404/410 not found; any other status emr_rejected.
 * Failure messages name the operation and the status only, never a body.
 */
@Component("emrRest")
public class EmrRest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.]+)}");

    private final ObjectMapper json = EmrRecords.mapper();

    /**
     * A call of the operation: {@code path} is appended to the connection's base URL, each
     * {@code {name}} in it replaced (URL-encoded) by the input's field of that name, else the
     * connection setting of that name; {@code fields} picks the JSON body from the input (none when
     * blank).
     */
    public EmrRestCall call(String operation, String method, String path, @JsonPathMapping(FIELD_LIST) String fields,
            @ExchangeProperty(ExchangeProperties.EMR_INPUT) Object input,
            @ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection) {
        return keyedCall(operation, method, path, fields, "", input, connection);
    }

    /** {@link #call}, with the Idempotency-Key header taken from the input's field {@code keyField}. */
    public EmrRestCall keyedCall(String operation, String method, String path, @JsonPathMapping(FIELD_LIST) String fields,
            String keyField,
            @ExchangeProperty(ExchangeProperties.EMR_INPUT) Object input,
            @ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection) {
        JsonNode tree = JsonFields.tree(json, input);
        String url = trimSlash(connection.baseUrl()) + expand(operation, path, tree, connection);
        String body = fields == null || fields.isBlank() ? null : JsonFields.project(tree, fields).toString();
        String key = keyField == null || keyField.isBlank() ? null : JsonFields.text(JsonFields.at(tree, keyField));
        if (keyField != null && !keyField.isBlank() && key == null) {
            throw new IllegalArgumentException("EMR call " + operation + ": no value for its Idempotency-Key " + keyField);
        }
        return new EmrRestCall(operation, method, url, body, key);
    }

    private static String expand(String operation, String path, JsonNode input, EmrConnection connection) {
        Matcher m = PLACEHOLDER.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = JsonFields.text(JsonFields.at(input, name));
            Object option = connection.options().get(name);
            if (value == null && option != null && !(option instanceof java.util.Map) && !(option instanceof java.util.List)) {
                value = String.valueOf(option);
            }
            if (value == null) {
                throw new IllegalArgumentException("EMR call " + operation + ": no value for {" + name + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20")));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String trimSlash(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The body of a 2xx answer; otherwise the failure, typed by whether a retry can help. */
    public String check(@Header(Exchange.HTTP_RESPONSE_CODE) Integer status,
            @ExchangeProperty(ExchangeProperties.EMR_REST_CALL) EmrRestCall call, @Body String body) {
        int code = status == null ? 0 : status;
        if (code >= 200 && code < 300) {
            return body == null ? "" : body;
        }
        String what = "EMR call " + (call == null ? "?" : call.operation()) + " answered HTTP " + code;
        if (retryable(code)) {
            throw new EmrRetryableException(code, what);
        }
        if (code == 401 || code == 403) {
            throw new EmrPermanentException("login_required", code, what);
        }
        if (code == 404 || code == 410) {
            throw new EmrNotFoundException(code, what);
        }
        throw new EmrPermanentException("emr_rejected", code, what);
    }

    /** How {@link #check} takes an answer's status, for metrics and a job's timeline: ok, retryable or permanent. */
    public static String outcome(Integer status) {
        int code = status == null ? 0 : status;
        return code >= 200 && code < 300 ? "ok" : retryable(code) ? "retryable" : "permanent";
    }

    /** 408, 409, 412, 429 and 5xx: the same call may succeed later. */
    static boolean retryable(int code) {
        return code == 408 || code == 409 || code == 412 || code == 429 || code >= 500;
    }
}
