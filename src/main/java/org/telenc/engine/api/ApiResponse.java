package org.telenc.engine.api;

/** A finished API answer: HTTP status, JSON body and an optional Retry-After. */
public record ApiResponse(int status, String json, Integer retryAfterSeconds) {

    public static ApiResponse ok(String json) {
        return new ApiResponse(200, json, null);
    }
}
