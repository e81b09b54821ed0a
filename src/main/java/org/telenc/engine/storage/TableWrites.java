package org.telenc.engine.storage;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Caches of rows that change rarely (EMR connection settings, credentials, capabilities), read on
 * every request, and the count of this process's writes to their tables that invalidates them.
 * Every statement that writes a watched table through the engine's {@link EngineJdbcTemplate}
 * counts: a cache entry loaded before the write is not used after it (at once, and again when the
 * writing transaction commits, so a read between the two cannot keep the old row). Another replica's
 * writes are not seen here: an entry is also dropped {@code engine.connections.cache-ttl} after it
 * was loaded, which bounds how long a change made through one replica takes to reach the others.
 * A TTL of zero turns caching off.
 */
@Component
public class TableWrites {

    private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();
    private final long ttlNanos;

    public TableWrites(@Value("${engine.connections.cache-ttl:5s}") Duration ttl) {
        this.ttlNanos = Math.max(0, ttl.toNanos());
    }

    /** A cache of values read from {@code table}, valid until this process writes the table or the TTL passes. */
    public <K, V> Cache<K, V> cache(String table) {
        return new Cache<>(generation(table), ttlNanos);
    }

    /** Counts a statement (any text) as a write of each watched table it names. */
    void written(String sql) {
        if (sql == null || generations.isEmpty()) {
            return;
        }
        String text = sql.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, AtomicLong> table : generations.entrySet()) {
            if (text.contains(table.getKey())) {
                AtomicLong generation = table.getValue();
                generation.incrementAndGet();
                if (TransactionSynchronizationManager.isSynchronizationActive()) {
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public void afterCompletion(int status) {
                            generation.incrementAndGet();
                        }
                    });
                }
            }
        }
    }

    private AtomicLong generation(String table) {
        return generations.computeIfAbsent(table.toLowerCase(Locale.ROOT), t -> new AtomicLong());
    }

    /** Values by key, each kept with the table's write count when it was loaded and its expiry. */
    public static final class Cache<K, V> {

        private record Entry<V>(V value, long generation, long expiresAt) {
        }

        private final AtomicLong generation;
        private final long ttlNanos;
        private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

        Cache(AtomicLong generation, long ttlNanos) {
            this.generation = generation;
            this.ttlNanos = ttlNanos;
        }

        /** The cached value, or {@code load}'s (cached unless it throws; a null is not cached). */
        public V get(K key, Function<K, V> load) {
            long now = System.nanoTime();
            long current = generation.get();
            Entry<V> entry = entries.get(key);
            if (entry != null && entry.generation() == current && now - entry.expiresAt() < 0) {
                return entry.value();
            }
            V value = load.apply(key);
            if (value != null && ttlNanos > 0) {
                entries.put(key, new Entry<>(value, current, now + ttlNanos));
            }
            return value;
        }

        /** Drops every entry (say, what they were resolved against changed). */
        public void clear() {
            entries.clear();
        }
    }
}
