package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The in-memory database of the embedded sandbox EMR: FHIR R4 resources by type and logical id,
 * each with {@code meta.versionId} and {@code meta.lastUpdated}.
 *
 * <p>Indexed, so a search does not scan every stored resource of its type: by identifier
 * ({@code system|value}, and value alone: what searches by identifier and {@code If-None-Exist}
 * criteria name) and by patient (a resource's {@code subject}, {@code patient} or {@code for}
 * reference to a Patient, and a Patient's own id). A search's cost follows what it matches, not
 * what the store holds.
 *
 * <p>Thread-safe under a read/write lock: reads and searches run side by side; a write, a check
 * followed by a write (a conditional create, a version-aware update) and a transaction's unit of
 * work hold the write lock, so each is atomic. A transaction that throws is undone from its own undo
 * log (what it replaced), not from a copy of the store. Resources are copied on the way in and on
 * the way out; callers never see or hold a live stored object.
 */
public final class SandboxFhirStore {

    private static final String VALUE_ONLY = "\u0000|";

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Class<? extends Resource>, Table> tables = new HashMap<>();
    /** What the running transaction replaced, in order (null outside one); guarded by the write lock. */
    private List<Undo> undo;
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
    public void reset() {
        write(() -> {
            tables.clear();
            SandboxDemoData.seed(this);
            SandboxGeneratedPatients.seed(this, generatedPatients);
            return null;
        });
    }

    /**
     * Runs the work as one unit: no other operation of the store runs meanwhile, and when the work
     * throws, the store is as it was before (a FHIR transaction's all or nothing).
     */
    <R> R atomically(Supplier<R> work) {
        return write(() -> {
            List<Undo> outer = undo;
            undo = new ArrayList<>();
            try {
                return work.get();
            } catch (RuntimeException e) {
                for (int i = undo.size() - 1; i >= 0; i--) {
                    Undo step = undo.get(i);
                    table(step.type()).put(step.id(), step.before());
                }
                throw e;
            } finally {
                if (outer != null) {
                    outer.addAll(undo);
                }
                undo = outer;
            }
        });
    }

    /** Every resource of the type, in insertion order. */
    public <T extends Resource> List<T> all(Class<T> type) {
        return find(type, resource -> true);
    }

    public <T extends Resource> Optional<T> read(Class<T> type, String id) {
        return read(() -> Optional.ofNullable(tableOrEmpty(type).byId.get(id)).map(resource -> copyOf(type, resource)));
    }

    /**
     * The resources of the type that match, in insertion order (a scan of the type: searches with
     * an identifier or a patient use the indexed forms below).
     *
     * @param filter sees the stored objects themselves and must not modify them
     */
    public <T extends Resource> List<T> find(Class<T> type, Predicate<? super T> filter) {
        return read(() -> matching(type, tableOrEmpty(type).byId.values(), filter));
    }

    /**
     * The resources of the type with this identifier ({@code system} null: any system) that match,
     * in insertion order; from the identifier index.
     */
    public <T extends Resource> List<T> findByIdentifier(Class<T> type, String system, String value, Predicate<? super T> filter) {
        return read(() -> {
            Table table = tableOrEmpty(type);
            return matching(type, table.resources(table.byIdentifier.get(identifierKey(system, value))), filter);
        });
    }

    /** The resources of the type about this patient (its id, without {@code Patient/}) that match, in insertion order; from the patient index. */
    public <T extends Resource> List<T> findByPatient(Class<T> type, String patientId, Predicate<? super T> filter) {
        return read(() -> {
            Table table = tableOrEmpty(type);
            return matching(type, table.resources(table.byPatient.get(patientId)), filter);
        });
    }

    public int count(Class<? extends Resource> type) {
        return read(() -> tableOrEmpty(type).byId.size());
    }

    /** Stores the resource under a new server-assigned id, as version 1. */
    <T extends Resource> T create(T resource) {
        return write(() -> store(resource, UUID.randomUUID().toString(), 1));
    }

    /**
     * FHIR conditional create on an identifier ({@code system} null: any system): the one existing
     * resource of the type that has it, or else the resource stored under a new id. Atomic:
     * concurrent calls with the same criterion create one.
     *
     * @throws PreconditionFailedException when more than one existing resource matches
     */
    @SuppressWarnings("unchecked")
    <T extends Resource> CreateOutcome<T> createIfNoneExist(T resource, String system, String value) {
        return write(() -> {
            List<T> matches = findByIdentifier((Class<T>) resource.getClass(), system, value, r -> true);
            if (matches.size() > 1) {
                throw new PreconditionFailedException(
                        "If-None-Exist matches " + matches.size() + " " + resource.fhirType() + " resources");
            }
            return matches.isEmpty()
                    ? new CreateOutcome<>(store(resource, UUID.randomUUID().toString(), 1), true)
                    : new CreateOutcome<>(matches.get(0), false);
        });
    }

    /**
     * Replaces the existing resource with the same id and increments its version.
     *
     * @param expectedVersion the version the client based its change on ({@code If-Match}), or
     *     {@code null} for an unconditional update
     * @throws ResourceNotFoundException when no resource has that id
     * @throws StaleVersionException when the current version is not the expected one
     */
    <T extends Resource> T update(T resource, String expectedVersion) {
        return write(() -> {
            String id = resource.getIdElement().getIdPart();
            Resource current = tableOrEmpty(resource.getClass()).byId.get(id);
            if (current == null) {
                throw new ResourceNotFoundException(new IdType(resource.fhirType(), id));
            }
            String currentVersion = current.getMeta().getVersionId();
            if (expectedVersion != null && !expectedVersion.equals(currentVersion)) {
                throw new StaleVersionException(resource.fhirType() + "/" + id + "/_history/" + expectedVersion, currentVersion);
            }
            return store(resource, id, Integer.parseInt(currentVersion) + 1);
        });
    }

    /** Stores the resource under its own id as version 1, unless that id is taken; for seeding. */
    boolean putIfAbsent(Resource resource) {
        return write(() -> {
            String id = resource.getIdElement().getIdPart();
            if (tableOrEmpty(resource.getClass()).byId.containsKey(id)) {
                return false;
            }
            store(resource, id, 1);
            return true;
        });
    }

    private <R> R read(Supplier<R> work) {
        lock.readLock().lock();
        try {
            return work.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private <R> R write(Supplier<R> work) {
        lock.writeLock().lock();
        try {
            return work.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static <T extends Resource> List<T> matching(Class<T> type, Collection<Resource> candidates, Predicate<? super T> filter) {
        List<T> found = new ArrayList<>();
        for (Resource candidate : candidates) {
            T resource = type.cast(candidate);
            if (filter.test(resource)) {
                found.add(copyOf(type, resource));
            }
        }
        return found;
    }

    private <T extends Resource> T store(T resource, String id, int version) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) resource.getClass();
        T stored = copyOf(type, resource);
        stored.setId(new IdType(stored.fhirType(), id, Integer.toString(version)));
        stored.getMeta().setVersionId(Integer.toString(version)).setLastUpdated(new Date());
        Resource before = table(type).put(id, stored);
        if (undo != null) {
            undo.add(new Undo(type, id, before));
        }
        return copyOf(type, stored);
    }

    private Table table(Class<? extends Resource> type) {
        return tables.computeIfAbsent(type, ignored -> new Table());
    }

    private Table tableOrEmpty(Class<? extends Resource> type) {
        Table table = tables.get(type);
        return table == null ? Table.EMPTY : table;
    }

    private static String identifierKey(String system, String value) {
        return (system == null || system.isEmpty() ? VALUE_ONLY : system + "|") + value;
    }

    private static <T extends Resource> T copyOf(Class<T> type, Resource resource) {
        return type.cast(resource.copy());
    }

    /**
     * One resource type: by id in insertion order, and the ids by identifier key and by patient
     * (each in insertion order). Changed under the store's write lock only.
     */
    private static final class Table {

        static final Table EMPTY = new Table();

        final Map<String, Resource> byId = new LinkedHashMap<>();
        final Map<String, Set<String>> byIdentifier = new HashMap<>();
        final Map<String, Set<String>> byPatient = new HashMap<>();

        /** Stores (null: removes) the resource under its id, keeping the indexes in step; the one it replaced. */
        Resource put(String id, Resource resource) {
            Resource before = resource == null ? byId.remove(id) : byId.put(id, resource);
            if (before != null) {
                keys(before).identifiers().forEach(k -> unindex(byIdentifier, k, id));
                keys(before).patients().forEach(k -> unindex(byPatient, k, id));
            }
            if (resource != null) {
                Keys keys = keys(resource);
                keys.identifiers().forEach(k -> byIdentifier.computeIfAbsent(k, ignored -> new LinkedHashSet<>()).add(id));
                keys.patients().forEach(k -> byPatient.computeIfAbsent(k, ignored -> new LinkedHashSet<>()).add(id));
            }
            return before;
        }

        Collection<Resource> resources(Set<String> ids) {
            if (ids == null) {
                return List.of();
            }
            List<Resource> found = new ArrayList<>(ids.size());
            for (String id : ids) {
                found.add(byId.get(id));
            }
            return found;
        }

        private static void unindex(Map<String, Set<String>> index, String key, String id) {
            Set<String> ids = index.get(key);
            if (ids != null && ids.remove(id) && ids.isEmpty()) {
                index.remove(key);
            }
        }

        private static Keys keys(Resource resource) {
            Set<String> identifiers = new LinkedHashSet<>();
            for (Base value : resource.getNamedProperty("identifier") == null ? List.<Base>of()
                    : resource.getNamedProperty("identifier").getValues()) {
                if (value instanceof Identifier identifier && identifier.hasValue()) {
                    identifiers.add(identifierKey(identifier.getSystem(), identifier.getValue()));
                    identifiers.add(identifierKey(null, identifier.getValue()));
                }
            }
            Set<String> patients = new LinkedHashSet<>();
            if (resource instanceof Patient) {
                patients.add(resource.getIdElement().getIdPart());
            }
            for (String name : PATIENT_REFERENCES) {
                Property property = resource.getNamedProperty(name);
                if (property != null) {
                    for (Base value : property.getValues()) {
                        if (value instanceof Reference reference && "Patient".equals(reference.getReferenceElement().getResourceType())
                                && reference.getReferenceElement().hasIdPart()) {
                            patients.add(reference.getReferenceElement().getIdPart());
                        }
                    }
                }
            }
            return new Keys(identifiers, patients);
        }

        private static final List<String> PATIENT_REFERENCES = List.of("subject", "patient", "for");

        private record Keys(Set<String> identifiers, Set<String> patients) {}
    }

    private record Undo(Class<? extends Resource> type, String id, Resource before) {}

    /**
     * A write named a version that is no longer the current one: 412 as HTTP says, unless the
     * server is told to answer as HAPI FHIR JPA does ({@link SandboxVersionConflicts}).
     */
    public static final class StaleVersionException extends PreconditionFailedException {

        private final String staleVersion;

        StaleVersionException(String staleVersion, String currentVersion) {
            super("Version conflict: " + staleVersion + " is not the current version (" + currentVersion + ")");
            this.staleVersion = staleVersion;
        }

        /** {@code Type/id/_history/n}, the version the client named. */
        public String staleVersion() {
            return staleVersion;
        }
    }

    /** The resource a conditional create answers with, and whether it was created by that call. */
    record CreateOutcome<T extends Resource>(T resource, boolean created) {}
}
