package org.telenc.engine.emr;

/**
 * A failed EMR call. The message names the operation and the HTTP status only: never a resource
 * body, which may hold PHI.
 */
public abstract class EmrException extends RuntimeException {

    private final String reasonCode;
    private final int httpStatus;

    protected EmrException(String reasonCode, int httpStatus, String message) {
        super(message, null, false, false);
        this.reasonCode = reasonCode;
        this.httpStatus = httpStatus;
    }

    /** The webhook reason code this failure maps to (emr_rejected, login_required, emr_unavailable). */
    public String reasonCode() {
        return reasonCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    private String issueCodes = "";

    /** The OperationOutcome issue codes of the answer (a FHIR code set: never free text, never PHI). */
    public String issueCodes() {
        return issueCodes;
    }

    public EmrException withIssueCodes(String codes) {
        this.issueCodes = codes == null ? "" : codes;
        return this;
    }
}
