package org.telenc.engine.emr.fhir;

/**
 * One HTTP call to a FHIR server, as the shared call route performs it. {@code operation} names the
 * adapter operation for errors and metrics; it never carries PHI.
 */
public record FhirCall(String operation, String method, String url, String body, String ifNoneExist, String ifMatch) {

    public static FhirCall get(String operation, String url) {
        return new FhirCall(operation, "GET", url, null, null, null);
    }
}
