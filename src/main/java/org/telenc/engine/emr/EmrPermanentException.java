package org.telenc.engine.emr;

/** The EMR refused the call (4xx other than 408/429): retrying will not help. */
public class EmrPermanentException extends EmrException {

    public EmrPermanentException(String reasonCode, int httpStatus, String message) {
        super(reasonCode, httpStatus, message);
    }
}
