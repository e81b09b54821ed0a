package org.telenc.engine.observability;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.routes.ExchangeProperties;

/**
 * The last reference-sync attempt of each EMR connection on this instance: when, and whether it
 * failed. The sync route reports each attempt; the {@code emrConnections} health reads it without
 * calling the EMR. (The time of the last successful sync is in the database, {@code last_synced_at}.)
 */
@Component("emrSyncStatus")
public class EmrSyncStatus {

    /** One attempt: when it ended and whether it failed. */
    public record Attempt(Instant at, boolean failed) {
    }

    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    private final Clock clock;

    public EmrSyncStatus(Clock clock) {
        this.clock = clock;
    }

    public void succeeded(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection) {
        record(connection, false);
    }

    public void failed(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection) {
        record(connection, true);
    }

    public Optional<Attempt> lastAttempt(String connectionId) {
        return Optional.ofNullable(attempts.get(connectionId));
    }

    private void record(EmrConnection connection, boolean failed) {
        if (connection != null) {
            attempts.put(connection.id(), new Attempt(clock.instant(), failed));
        }
    }
}
