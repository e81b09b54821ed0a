package org.telenc.engine.emr;

/**
 * The EMR answered 412 to a write guarded by {@code If-Match}: someone changed the resource since
 * it was read. Sending the same request again cannot help (it names the old version), so it is not
 * an {@link EmrRetryableException} redelivered in-route: the caller reads again and redoes its
 * change. A job whose write keeps conflicting is deferred like any retryable failure.
 */
public class EmrVersionConflictException extends EmrException {

    public EmrVersionConflictException(String message) {
        super("emr_unavailable", 412, message);
    }
}
