package org.telenc.engine.emr.rest;

/**
 * One HTTP call of an EMR adapter written in YAML: the operation it belongs to (named in failures
 * and logs), the method, the absolute URL, the JSON body (or null) and the Idempotency-Key (or
 * null). The URL may carry ids; the body may carry PHI, so {@link #toString} shows neither.
 */
public record EmrRestCall(String operation, String method, String url, String body, String idempotencyKey) {

    @Override
    public String toString() {
        return "EmrRestCall[" + operation + " " + method + "]";
    }
}
