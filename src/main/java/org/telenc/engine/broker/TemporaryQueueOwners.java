package org.telenc.engine.broker;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.activemq.command.ActiveMQTempDestination;

/**
 * Which login opened the connection that owns a temporary destination, as the embedded broker's
 * {@link BrokerSecurity} records it (a temporary destination's name carries its connection id). The
 * engine asks it before answering into a temporary queue, so that a reply-to naming another
 * connection's temporary queue is refused as such. With an external broker nothing is recorded
 * ({@link #tracking()} is false), no temporary queue has a known owner, and the engine answers into none.
 */
public final class TemporaryQueueOwners {

    /** connection id -> the user who opened it. */
    private final Map<String, String> connectionUsers = new ConcurrentHashMap<>();
    private volatile boolean tracking;

    /** Whether a broker in this JVM records its connections here. */
    public boolean tracking() {
        return tracking;
    }

    void startTracking() {
        tracking = true;
    }

    void opened(String connectionId, String user) {
        connectionUsers.put(connectionId, user);
    }

    void closed(String connectionId) {
        connectionUsers.remove(connectionId);
    }

    /** The login whose open connection owns this temporary destination; empty for anything else. */
    public Optional<String> ownerOf(Object destination) {
        if (destination instanceof ActiveMQTempDestination temp && !temp.isComposite() && temp.getConnectionId() != null) {
            return Optional.ofNullable(connectionUsers.get(temp.getConnectionId()));
        }
        return Optional.empty();
    }
}
