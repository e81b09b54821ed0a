package org.telenc.engine.api;

import java.util.List;

/**
 * An answer to the caller that is not a success: HTTP status, contract error code and message.
 * Messages are fixed texts or carry only values that are not PHI (ids of providers, locations...).
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final List<FieldError> errors;
    private final Integer retryAfterSeconds;

    public ApiException(int status, String code, String message) {
        this(status, code, message, List.of(), null);
    }

    public ApiException(int status, String code, String message, List<FieldError> errors, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** One violation in the optional {@code errors} list of a 400 body. */
    public record FieldError(String field, String error, String message) {
    }

    public static ApiException invalidClientCredentials() {
        return new ApiException(401, "invalid_client_credentials", "Invalid client credentials.");
    }

    public static ApiException invalidAccessToken() {
        return new ApiException(401, "invalid_access_token", "Invalid access token.");
    }

    public static ApiException loginRequired() {
        return new ApiException(403, "login_required",
                "Account link expired. Please go through the integration setup again.");
    }

    public static ApiException invalidJson() {
        return new ApiException(400, "invalid_json", "Request body must be a JSON object.");
    }

    public static ApiException notFound() {
        return new ApiException(404, "not_found", "Resource not found.");
    }

    public static ApiException badParameter(String name, String expected) {
        return new ApiException(400, "invalid_parameter", "Invalid parameter: " + name + " must be " + expected + ".");
    }

    public static ApiException serviceUnavailable() {
        return new ApiException(503, "service_unavailable",
                "The service is temporarily unavailable. Retry the request.");
    }
}
