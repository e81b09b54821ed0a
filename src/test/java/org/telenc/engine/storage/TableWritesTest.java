package org.telenc.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A cached row is loaded once, loaded again after this process writes its table, and, for writes
 * it never sees (another replica's), again once the TTL has passed.
 */
class TableWritesTest {

    final AtomicInteger loads = new AtomicInteger();
    final AtomicReference<String> stored = new AtomicReference<>("first");

    String load(String key) {
        loads.incrementAndGet();
        return stored.get();
    }

    @Test
    void loadedOnceThenAgainAfterAWriteOfItsTable() {
        TableWrites writes = new TableWrites(Duration.ofHours(1));
        TableWrites.Cache<String, String> cache = writes.cache("emr_connection");
        for (int i = 0; i < 100; i++) {
            assertThat(cache.get("c1", this::load)).isEqualTo("first");
        }
        assertThat(loads).hasValue(1);

        writes.written("select 1 from api_client"); // another table: kept
        writes.written("insert into webhook_event(id) values (?)");
        assertThat(cache.get("c1", this::load)).isEqualTo("first");
        assertThat(loads).hasValue(1);

        stored.set("second");
        writes.written("UPDATE EMR_CONNECTION set settings = ? where id = ?");
        assertThat(cache.get("c1", this::load)).isEqualTo("second");
        assertThat(cache.get("c1", this::load)).isEqualTo("second");
        assertThat(loads).hasValue(2);
    }

    @Test
    void aWriteThisProcessNeverSawIsSeenOnceTheTtlPassed() {
        TableWrites writes = new TableWrites(Duration.ofMillis(300));
        TableWrites.Cache<String, String> cache = writes.cache("emr_connection");
        assertThat(cache.get("c1", this::load)).isEqualTo("first");
        stored.set("changed by another replica");
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.get("c1", this::load).equals("changed by another replica"));
        assertThat(loads.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aTtlOfZeroLoadsEveryTime() {
        TableWrites.Cache<String, String> cache = new TableWrites(Duration.ZERO).cache("emr_connection");
        for (int i = 0; i < 5; i++) {
            cache.get("c1", this::load);
        }
        assertThat(loads).hasValue(5);
    }
}
