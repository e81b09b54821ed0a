package org.telenc.engine.emr.fhir;

import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.springframework.stereotype.Component;

/**
 * Which message headers camel-http sends to the FHIR server: its defaults, except that
 * {@code Cache-Control} goes out (camel-http drops it by default). The adapter sends
 * {@code Cache-Control: no-cache} on every call, so a server's search cache (HAPI FHIR JPA reuses
 * an identical search for 60 s by default) never answers with what the EMR held before.
 */
@Component("fhirHttpHeaders")
public class FhirHttpHeaders extends HttpHeaderFilterStrategy {

    public FhirHttpHeaders() {
        getOutFilter().remove("cache-control");
    }
}
