package org.telenc.engine.emr;

/**
 * The EMR answered 404 or 410: the resource the call named does not exist (any more). Still an
 * {@code emr_rejected} failure wherever a flow does not expect it; a read that looks a resource up
 * (an encounter an action names) turns it into its own "not found" reason.
 */
public class EmrNotFoundException extends EmrPermanentException {

    public EmrNotFoundException(int httpStatus, String message) {
        super("emr_rejected", httpStatus, message);
    }
}
