package org.telenc.engine.emr;

/** The EMR could not answer now (408, 429, 5xx, 409/412 races): the same call may succeed later. */
public class EmrRetryableException extends EmrException {

    public EmrRetryableException(int httpStatus, String message) {
        super("emr_unavailable", httpStatus, message);
    }
}
