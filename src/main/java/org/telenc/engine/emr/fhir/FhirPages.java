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

    /** Pages whose first came another way (a batch entry's searchset): its resources, then its next links. */
    public FhirPages(String operation, List<Resource> firstResources, String nextUrl) {
        this.operation = operation;
        this.resources.addAll(firstResources);
        this.nextUrl = nextUrl;
        this.pages = 1;
    }

    /** The next link of a searchset page, or null. */
    static String nextUrl(Bundle page) {
        Bundle.BundleLinkComponent next = page.getLink(Bundle.LINK_NEXT);
        return next == null || !next.hasUrl() ? null : next.getUrl();
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
        nextUrl = nextUrl(page);
    }

    public List<Resource> resources() {
        return List.copyOf(resources);
    }
}
