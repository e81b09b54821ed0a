package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The in-memory database of the embedded sandbox EMR: FHIR R4 resources by type and logical id,
 * each with {@code meta.versionId} and {@code meta.lastUpdated}.
 *
 * <p>Thread-safe: every operation holds the store's lock, so a check followed by a write (a
 * conditional create, a version-aware update) is atomic. Resources are copied on the way in and on
 * the way out; callers never see or hold a live stored object.
 */
public final class SandboxFhirStore {

    private final Map<Class<? extends Resource>, Map<String, Resource>> resourcesByType = new HashMap<>();
    private final int generatedPatients;

    public SandboxFhirStore() {
        this(0);
    }

    private SandboxFhirStore(int generatedPatients) {
        this.generatedPatients = generatedPatients;
    }

    /** A store holding the {@link SandboxDemoData demo data}. */
    public static SandboxFhirStore seeded() {
        return seeded(0);
    }

    /**
     * A store holding the demo data and {@code generatedPatients} {@link SandboxGeneratedPatients
     * generated patients} besides, which {@link #reset} seeds again too.
     */
    public static SandboxFhirStore seeded(int generatedPatients) {
        SandboxFhirStore store = new SandboxFhirStore(generatedPatients);
        store.reset();
        return store;
    }

    /**
     * Drops everything, created or changed resources included, and seeds the demo data (and the
     * generated patients, if any) again.
     */
    public synchronized void reset() {
        resourcesByType.clear();
        SandboxDemoData.seed(this);
        SandboxGeneratedPatients.seed(this, generatedPatients);
    }

    /**
     * Runs the work as one unit: no other operation of the store runs meanwhile, and when the work
     * throws, the store is as it was before (a FHIR transaction's all or nothing).
     */
    synchronized <R> R atomically(java.util.function.Supplier<R> work) {
        Map<Class<? extends Resource>, Map<String, Resource>> before = new HashMap<>();
        resourcesByType.forEach((type, byId) -> before.put(type, new LinkedHashMap<>(byId)));
        try {
            return work.get();
        } catch (RuntimeException e) {
            resourcesByType.clear();
            resourcesByType.putAll(before);
            throw e;
        }
    }

    /** Every resource of the type, in insertion order. */
    public synchronized <T extends Resource> List<T> all(Class<T> type) {
        return find(type, resource -> true);
    }

    public synchronized <T extends Resource> Optional<T> read(Class<T> type, String id) {
        return Optional.ofNullable(byId(type).get(id)).map(resource -> copyOf(type, resource));
    }

    /**
     * The resources of the type that match, in insertion order.
     *
     * @param filter sees the stored objects themselves and must not modify them
     */
    public synchronized <T extends Resource> List<T> find(Class<T> type, Predicate<? super T> filter) {
        return byId(type).values().stream()
                .map(type::cast)
                .filter(filter)
                .map(resource -> copyOf(type, resource))
                .toList();
    }

    public synchronized int count(Class<? extends Resource> type) {
        return byId(type).size();
    }

    /** Stores the resource under a new server-assigned id, as version 1. */
    synchronized <T extends Resource> T create(T resource) {
        return store(resource, UUID.randomUUID().toString(), 1);
    }

    /**
     * FHIR conditional create: the one existing resource of the type that matches, or else the
     * resource stored under a new id. Atomic: concurrent calls with the same criterion create one.
     *
     * @throws PreconditionFailedException when more than one existing resource matches
     */
    @SuppressWarnings("unchecked")
    synchronized <T extends Resource> CreateOutcome<T> createIfNoneExist(T resource, Predicate<? super T> existing) {
        List<T> matches = find((Class<T>) resource.getClass(), existing);
        if (matches.size() > 1) {
            throw new PreconditionFailedException(
                    "If-None-Exist matches " + matches.size() + " " + resource.fhirType() + " resources");
        }
        return matches.isEmpty()
                ? new CreateOutcome<>(create(resource), true)
                : new CreateOutcome<>(matches.get(0), false);
    }

    /**
     * Replaces the existing resource with the same id and increments its version.
     *
     * @param expectedVersion the version the client based its change on ({@code If-Match}), or
     *     {@code null} for an unconditional update
     * @throws ResourceNotFoundException when no resource has that id
     * @throws PreconditionFailedException when the current version is not the expected one
     */
    synchronized <T extends Resource> T update(T resource, String expectedVersion) {
        String id = resource.getIdElement().getIdPart();
        Resource current = byId(resource.getClass()).get(id);
        if (current == null) {
            throw new ResourceNotFoundException(new IdType(resource.fhirType(), id));
        }
        String currentVersion = current.getMeta().getVersionId();
        if (expectedVersion != null && !expectedVersion.equals(currentVersion)) {
            throw new PreconditionFailedException("Version conflict: " + resource.fhirType() + "/" + id
                    + " is at version " + currentVersion + ", not " + expectedVersion);
        }
        return store(resource, id, Integer.parseInt(currentVersion) + 1);
    }

    /** Stores the resource under its own id as version 1, unless that id is taken; for seeding. */
    synchronized boolean putIfAbsent(Resource resource) {
        String id = resource.getIdElement().getIdPart();
        if (byId(resource.getClass()).containsKey(id)) {
            return false;
        }
        store(resource, id, 1);
        return true;
    }

    private <T extends Resource> T store(T resource, String id, int version) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) resource.getClass();
        T stored = copyOf(type, resource);
        stored.setId(new IdType(stored.fhirType(), id, Integer.toString(version)));
        stored.getMeta().setVersionId(Integer.toString(version)).setLastUpdated(new Date());
        resourcesByType.computeIfAbsent(type, ignored -> new LinkedHashMap<>()).put(id, stored);
        return copyOf(type, stored);
    }

    private Map<String, Resource> byId(Class<? extends Resource> type) {
        return resourcesByType.getOrDefault(type, Map.of());
    }

    private static <T extends Resource> T copyOf(Class<T> type, Resource resource) {
        return type.cast(resource.copy());
    }

    /** The resource a conditional create answers with, and whether it was created by that call. */
    record CreateOutcome<T extends Resource>(T resource, boolean created) {}
}
