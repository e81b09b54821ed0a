package org.telenc.engine.emr;

/**
 * The EMR answered a write guarded by {@code If-Match} with a version conflict (412, or 409 with an
 * OperationOutcome that says so, as HAPI FHIR servers answer): someone changed the resource since
 * it was read. Sending the same request again cannot help (it names the old version), so it is not
 * an {@link EmrRetryableException} redelivered in-route: the caller reads again and redoes its
 * change. A job whose write keeps conflicting is deferred like any retryable failure.
 */
public class EmrVersionConflictException extends EmrException {

    public EmrVersionConflictException(String message) {
        this(412, message);
    }

    /** @param httpStatus 412 or 409, as the EMR answered */
    public EmrVersionConflictException(int httpStatus, String message) {
        super("emr_unavailable", httpStatus, message);
    }
}
