package org.telenc.engine.sandbox.fhir;

import org.hl7.fhir.r4.model.Resource;

/** The store's package-private writes, for benchmarks outside the package. */
public final class SandboxStoreAccess {

    private SandboxStoreAccess() {}

    public static <T extends Resource> T create(SandboxFhirStore store, T resource) {
        return store.create(resource);
    }
}
