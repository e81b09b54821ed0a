package org.telenc.engine.reference;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrAdapters;
import org.telenc.engine.emr.EmrCapabilities;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.emr.ReferenceRecords;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.routes.MessageHeaders;

/** The sync flow's beans: which connections to pull, and applying what a pull returned. */
@Component("referenceSync")
public class ReferenceSync {

    private static final Logger log = LoggerFactory.getLogger(ReferenceSync.class);

    private final EmrConnections connections;
    private final ReferenceRepository references;
    private final EmrAdapters adapters;
    private final Map<String, ReentrantLock> applying = new ConcurrentHashMap<>();

    public ReferenceSync(EmrConnections connections, ReferenceRepository references, EmrAdapters adapters) {
        this.connections = connections;
        this.references = references;
        this.adapters = adapters;
    }

    /** Active connections whose type has an adapter with a reference pull; only one when asked for one. */
    public List<EmrConnection> connections(@Header(MessageHeaders.SYNC_CONNECTION_ID) String only) {
        return connections.active().stream().filter(c -> adapters.supportsReferencePull(c.emrType()))
                .filter(c -> only == null || only.equals(c.id())).toList();
    }

    /** Records what the connection's server can do when it changed (logged then); a server that cannot make telephone encounters gets unsupported_emr. */
    public void capabilities(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @Body EmrCapabilities capabilities) {
        if (!references.recordCapabilities(connection.id(), capabilities)) {
            return; // as recorded: nothing to tell
        }
        log.info("connection {} capabilities: FHIR {}, Patient search by identifier {}, Encounter create {}", connection.id(),
                capabilities.fhirVersion(), capabilities.searchPatientByIdentifier(), capabilities.createEncounter());
    }

    /**
     * Applies a pull. Pulls of one connection apply one at a time in this engine (a lock per
     * connection held until the transaction committed), so none waits on the database's row lock
     * (which serializes replicas) long enough to time out.
     */
    public void apply(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection, @Body ReferenceRecords.Snapshot snapshot) {
        ReentrantLock lock = applying.computeIfAbsent(connection.id(), id -> new ReentrantLock());
        lock.lock();
        try {
            references.apply(connection.id(), snapshot);
        } finally {
            lock.unlock();
        }
        log.info("reference sync of connection {}: {} providers, {} locations, {} staff, {} pharmacies, {} users",
                connection.id(), snapshot.providers().size(), snapshot.locations().size(), snapshot.staff().size(),
                snapshot.pharmacies().size(), snapshot.users().size());
    }
}
