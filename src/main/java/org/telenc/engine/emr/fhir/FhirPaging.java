package org.telenc.engine.emr.fhir;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.telenc.engine.routes.ExchangeProperties;

/** Bean face of {@link FhirPages} for the search-all route. */
@Component("fhirPaging")
public class FhirPaging {

    private final FhirResponses responses;

    public FhirPaging(FhirResponses responses) {
        this.responses = responses;
    }

    public FhirPages start(@Body FhirCall first) {
        return new FhirPages(first);
    }

    /** The answer of the patient-with-orders batch: its patients and first page of orders, then the orders' next links. */
    public FhirPages batch(@Body String body) {
        return responses.patientWithOrdersBatch(body);
    }

    public FhirPages add(@ExchangeProperty(ExchangeProperties.FHIR_PAGES) FhirPages pages, @Body String body) {
        pages.add(responses.bundle(body));
        return pages;
    }
}
