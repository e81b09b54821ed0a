package org.telenc.engine.storage;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Caches of rows that only operators change (EMR connections, clients, access tokens, webhook
 * URLs), read on every request or job, and the count of writes to their tables that invalidates
 * them. Every statement that changes rows of a watched table (named after {@code into},
 * {@code update}, {@code from} or {@code table}, so a column such as {@code access_token_id} of
 * another table does not count) through the engine's
 * {@link EngineJdbcTemplate} counts: a cache entry loaded before the write is not used after it (at
 * once, and again when the writing transaction commits, so a read between the two cannot keep the
 * old row). Once that transaction ends, the write is told to the {@linkplain #onWrite listeners}
 * ({@link SettingsChanges} tells the other replicas through the broker, and counts theirs here with
 * {@link #writtenElsewhere}). As a safety net for a change no message told of (a replica off the
 * broker for a moment, a write by hand in the database), an entry is also dropped
 * {@code engine.connections.cache-ttl} after it was loaded. A TTL of zero turns caching off.
 */
@Component
public class TableWrites {

    /** The most entries one cache keeps; beyond them it starts again empty (unknown keys cannot grow it without bound). */
    static final int MAX_ENTRIES = 10_000;

    private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();
    /** Where a statement names the table it writes: after into, update, from or table (not a column such as access_token_id). */
    private final Map<String, Pattern> written = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final long ttlNanos;

    public TableWrites(@Value("${engine.connections.cache-ttl:5s}") Duration ttl) {
        this.ttlNanos = Math.max(0, ttl.toNanos());
    }

    /** A cache of values read from {@code tables}, valid until a write of any of them or the TTL passes. */
    public <K, V> Cache<K, V> cache(String... tables) {
        AtomicLong[] watched = new AtomicLong[tables.length];
        for (int i = 0; i < tables.length; i++) {
            watched[i] = generation(tables[i]);
        }
        return new Cache<>(watched, ttlNanos);
    }

    /** Calls {@code listener} with the name of each watched table this process wrote, once the write's transaction ended. */
    public void onWrite(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Counts a write of {@code table} made elsewhere (another replica): its cached rows are loaded again. Not told on. */
    public void writtenElsewhere(String table) {
        AtomicLong generation = table == null ? null : generations.get(table.toLowerCase(Locale.ROOT));
        if (generation != null) {
            generation.incrementAndGet();
        }
    }

    /** Counts a statement (any text) as a write of each watched table it names. */
    void written(String sql) {
        if (sql == null || generations.isEmpty()) {
            return;
        }
        String text = sql.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, AtomicLong> table : generations.entrySet()) {
            if (text.contains(table.getKey()) && written.get(table.getKey()).matcher(text).find()) {
                AtomicLong generation = table.getValue();
                generation.incrementAndGet();
                if (TransactionSynchronizationManager.isSynchronizationActive()) {
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public void afterCompletion(int status) {
                            generation.incrementAndGet();
                            tell(table.getKey());
                        }
                    });
                } else {
                    tell(table.getKey());
                }
            }
        }
    }

    private void tell(String table) {
        for (Consumer<String> listener : listeners) {
            listener.accept(table);
        }
    }

    private AtomicLong generation(String table) {
        String name = table.toLowerCase(Locale.ROOT);
        written.computeIfAbsent(name, t -> Pattern.compile("\\b(?:into|update|from|table)\\s+(?:\\w+\\.)?" + Pattern.quote(t) + "\\b"));
        return generations.computeIfAbsent(name, t -> new AtomicLong());
    }

    /** Values by key, each kept with its tables' write count when it was loaded and its expiry. */
    public static final class Cache<K, V> {

        private record Entry<V>(V value, long generation, long expiresAt) {
        }

        private final AtomicLong[] generations;
        private final long ttlNanos;
        private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

        Cache(AtomicLong[] generations, long ttlNanos) {
            this.generations = generations;
            this.ttlNanos = ttlNanos;
        }

        /** The sum of the tables' counts: each only grows, so any write changes it. */
        private long generation() {
            long sum = 0;
            for (AtomicLong generation : generations) {
                sum += generation.get();
            }
            return sum;
        }

        /** The cached value, or {@code load}'s (cached unless it throws; a null is not cached). */
        public V get(K key, Function<K, V> load) {
            long now = System.nanoTime();
            long current = generation();
            Entry<V> entry = entries.get(key);
            if (entry != null && entry.generation() == current && now - entry.expiresAt() < 0) {
                return entry.value();
            }
            V value = load.apply(key);
            if (value != null && ttlNanos > 0) {
                if (entries.size() >= MAX_ENTRIES) {
                    entries.clear();
                }
                entries.put(key, new Entry<>(value, current, now + ttlNanos));
            }
            return value;
        }

        /** How many entries it holds now. */
        int size() {
            return entries.size();
        }

        /** Drops every entry (say, what they were resolved against changed). */
        public void clear() {
            entries.clear();
        }
    }
}
