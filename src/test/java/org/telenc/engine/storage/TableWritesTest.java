package org.telenc.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    @Test
    void aCacheOfSeveralTablesIsDroppedByAWriteOfAnyOfThem() {
        TableWrites writes = new TableWrites(Duration.ofHours(1));
        TableWrites.Cache<String, String> cache = writes.cache("api_client", "access_token");
        cache.get("k", this::load);
        writes.written("update emr_connection set status = ? where id = ?");
        cache.get("k", this::load);
        assertThat(loads).hasValue(1);
        writes.written("update access_token set status = ? where id = ?");
        cache.get("k", this::load);
        assertThat(loads).hasValue(2);
        writes.written("update api_client set name = ? where id = ?");
        cache.get("k", this::load);
        assertThat(loads).hasValue(3);
    }

    @Test
    void aWriteToldByAnotherReplicaDropsItsTableAndIsNotToldOn() {
        TableWrites writes = new TableWrites(Duration.ofHours(1));
        List<String> told = new CopyOnWriteArrayList<>();
        writes.onWrite(told::add);
        TableWrites.Cache<String, String> cache = writes.cache("webhook_endpoint");
        cache.get("k", this::load);
        writes.writtenElsewhere("api_client"); // not this cache's table
        writes.writtenElsewhere("no_such_table");
        cache.get("k", this::load);
        assertThat(loads).hasValue(1);
        writes.writtenElsewhere("WEBHOOK_ENDPOINT");
        cache.get("k", this::load);
        assertThat(loads).hasValue(2);
        assertThat(told).isEmpty();
    }

    @Test
    void eachWriteOfAWatchedTableIsToldToTheListeners() {
        TableWrites writes = new TableWrites(Duration.ofHours(1));
        List<String> told = new CopyOnWriteArrayList<>();
        writes.onWrite(told::add);
        writes.cache("emr_connection");
        writes.cache("access_token");
        writes.written("insert into audit_log(at) values (?)");
        writes.written("update emr_connection set settings = ? where id = ?");
        writes.written("delete from access_token where id = ?");
        assertThat(told).containsExactly("emr_connection", "access_token");
    }

    @Test
    void aColumnNamedLikeAWatchedTableIsNoWriteOfIt() {
        TableWrites writes = new TableWrites(Duration.ofHours(1));
        TableWrites.Cache<String, String> cache = writes.cache("access_token");
        cache.get("k", this::load);
        writes.written("insert into telephone_encounter(id, access_token_id) values (?, ?)");
        writes.written("insert into webhook_event(id, access_token_reference_id) values (?, ?)");
        cache.get("k", this::load);
        assertThat(loads).hasValue(1);
        writes.written("insert into access_token(id) values (?)");
        cache.get("k", this::load);
        assertThat(loads).hasValue(2);
    }

    @Test
    void unknownKeysCannotGrowACacheWithoutBound() {
        TableWrites.Cache<String, String> cache = new TableWrites(Duration.ofHours(1)).cache("api_client");
        for (int i = 0; i <= TableWrites.MAX_ENTRIES; i++) {
            cache.get("k" + i, this::load);
        }
        assertThat(cache.size()).isLessThanOrEqualTo(TableWrites.MAX_ENTRIES);
    }
}
