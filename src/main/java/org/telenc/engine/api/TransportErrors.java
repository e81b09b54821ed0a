package org.telenc.engine.api;

import org.apache.coyote.http11.Http11InputBuffer;
import org.apache.tomcat.util.res.StringManager;

/**
 * The answer to a request refused before any route runs (by Tomcat while parsing it, or by the
 * servlet layer), by the status that layer chose: always a code of the contract, never a 5xx for
 * something the caller sent.
 */
public final class TransportErrors {

    /** Tomcat's message for a request line plus headers over max-http-request-header-size. */
    private static final String HEADER_TOO_LARGE = StringManager.getManager(Http11InputBuffer.class)
            .getString("iib.requestheadertoolarge.error");

    private TransportErrors() {
    }

    public static ApiException badRequest() {
        return new ApiException(400, "bad_request", "The request is malformed.");
    }

    public static ApiException headerTooLarge() {
        return new ApiException(431, "request_header_too_large", "Request headers are too large.");
    }

    public static ApiException methodNotAllowed() {
        return new ApiException(405, "method_not_allowed", "Method not allowed.");
    }

    /**
     * The error for a status set below the application; {@code cause} is the parser's exception
     * when there is one (Tomcat answers 400 for headers over its limit: that is 431 here).
     */
    public static ApiException forStatus(int status, Throwable cause) {
        return switch (status) {
            case 400 -> isHeaderTooLarge(cause) ? headerTooLarge() : badRequest();
            case 404 -> ApiException.notFound();
            case 405 -> methodNotAllowed();
            case 413 -> RequestLimits.payloadTooLarge();
            case 415 -> RequestLimits.unsupportedMediaType();
            case 431 -> headerTooLarge();
            case 503 -> ApiException.serviceUnavailable();
            // Tomcat's answers to a protocol version or transfer coding it does not take: the
            // caller sent something this server cannot read, which is a bad request
            case 501, 505 -> badRequest();
            default -> status >= 500 ? new ApiException(500, "internal_error", "Internal server error.")
                    : new ApiException(status, "request_error", "The request could not be processed.");
        };
    }

    static boolean isHeaderTooLarge(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException && HEADER_TOO_LARGE.equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }
}
