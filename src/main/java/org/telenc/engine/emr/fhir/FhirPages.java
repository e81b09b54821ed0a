package org.telenc.engine.emr.fhir;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * Collects the resources of a search across its pages (Bundle.link[next]); the search-all route
 * loops while {@link #hasNext()}. Bounded, so a server that links pages in a circle cannot loop
 * forever.
 */
public class FhirPages {

    static final int MAX_PAGES = 500;

    private final String operation;
    private final List<Resource> resources = new ArrayList<>();
    private String nextUrl;
    private int pages;

    public FhirPages(FhirCall first) {
        this.operation = first.operation();
        this.nextUrl = first.url();
    }

    public boolean hasNext() {
        return nextUrl != null && pages < MAX_PAGES;
    }

    public FhirCall nextCall() {
        return FhirCall.get(operation, nextUrl);
    }

    public void add(Bundle page) {
        pages++;
        page.getEntry().forEach(e -> {
            if (e.hasResource()) {
                resources.add(e.getResource());
            }
        });
        Bundle.BundleLinkComponent next = page.getLink(Bundle.LINK_NEXT);
        nextUrl = next == null || !next.hasUrl() ? null : next.getUrl();
    }

    public List<Resource> resources() {
        return List.copyOf(resources);
    }
}
