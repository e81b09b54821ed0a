package org.telenc.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.JMSException;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jms.JmsException;
import org.springframework.stereotype.Component;

/**
 * Turns anything an API route throws into the contract's error body. Used by the shared
 * {@code api-errors} routeConfiguration and by the servlet-level error handling.
 */
@Component("apiResponses")
public class ApiResponses {

    private static final Logger log = LoggerFactory.getLogger(ApiResponses.class);

    private final ObjectMapper json;

    public ApiResponses(ObjectMapper json) {
        this.json = json;
    }

    /** For the routeConfiguration: the caught exception becomes an answer. */
    public ApiResponse fromException(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable failure) {
        return toResponse(failure);
    }

    public ApiResponse toResponse(Throwable failure) {
        if (failure instanceof ApiException api) {
            return error(api);
        }
        if (failure instanceof JsonProcessingException) {
            // the caller's body did not parse; the parser's message quotes the input, never used
            return error(ApiException.invalidJson());
        }
        if (failure instanceof DataAccessException || failure instanceof JmsException
                || failure instanceof JMSException) {
            // the request could not be stored or queued: nothing was kept, nothing will be sent
            log.warn("request not accepted, store or queue unavailable: {}", failure.getClass().getSimpleName());
            return error(ApiException.serviceUnavailable());
        }
        // the frames say where without the message, which could quote input
        log.error("unexpected failure answering an API call: {} at {}", failure.getClass().getName(), frames(failure));
        return error(new ApiException(500, "internal_error", "Internal server error."));
    }

    private static String frames(Throwable failure) {
        // the engine's own frames first: they say where; then the innermost few
        List<StackTraceElement> stack = List.of(failure.getStackTrace());
        List<StackTraceElement> ours = stack.stream().filter(f -> f.getClassName().startsWith("org.telenc.")).limit(4).toList();
        List<StackTraceElement> shown = ours.isEmpty() ? stack.stream().limit(4).toList() : ours;
        return String.join(" < ", shown.stream().map(f -> f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber()).toList());
    }

    /** The request could not be durably queued: nothing was kept, nothing will be sent. */
    public ApiResponse serviceUnavailable() {
        return error(ApiException.serviceUnavailable());
    }

    public ApiResponse error(ApiException e) {
        ObjectNode body = json.createObjectNode();
        body.put("success", false);
        body.put("error", e.code());
        body.put("message", e.getMessage());
        if (!e.errors().isEmpty()) {
            ArrayNode list = body.putArray("errors");
            for (ApiException.FieldError error : e.errors()) {
                list.addObject().put("field", error.field()).put("error", error.error()).put("message", error.message());
            }
        }
        return new ApiResponse(e.status(), body.toString(), e.retryAfterSeconds());
    }
}
