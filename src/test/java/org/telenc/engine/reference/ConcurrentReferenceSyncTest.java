package org.telenc.engine.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.ReferenceRecords.Location;
import org.telenc.engine.emr.ReferenceRecords.Pharmacy;
import org.telenc.engine.emr.ReferenceRecords.Provider;
import org.telenc.engine.emr.ReferenceRecords.Snapshot;
import org.telenc.engine.emr.ReferenceRecords.Staff;
import org.telenc.engine.emr.ReferenceRecords.User;
import org.telenc.engine.support.EngineTest;

/**
 * Pulls of one connection applied at once (the start-up sync and an admin sync; two replicas) end
 * without an error and leave one row per EMR id, on the test's real database (H2, or PostgreSQL in
 * the postgresql profile): first through the sync's own bean, then through the repository alone,
 * the way two engines on one database would.
 */
class ConcurrentReferenceSyncTest extends EngineTest {

    static final int PULLS = 4;

    @Autowired
    ReferenceSync sync;

    @Autowired
    ReferenceRepository references;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void concurrentSyncsOfOneConnectionSerializeWithoutADuplicateKey() throws Exception {
        EmrConnection connection = newConnection();
        Snapshot snapshot = snapshot(150);
        runAtOnce(() -> sync.apply(connection, snapshot));
        assertOneRowPerEhrId(connection.id(), 150);
    }

    @Test
    void concurrentAppliesThroughTheRepositoryAloneSerializeOnTheConnectionRow() throws Exception {
        EmrConnection connection = newConnection();
        Snapshot snapshot = snapshot(40);
        runAtOnce(() -> references.apply(connection.id(), snapshot));
        assertOneRowPerEhrId(connection.id(), 40);
    }

    @Test
    void concurrentAdminSyncsOfOneConnectionAllAnswerOk() throws Exception {
        String name = "sync-" + UUID.randomUUID().toString().substring(0, 8);
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("name", name).put("emr_type", "fhir-r4")
                .put("base_url", "embedded:sandbox"));
        assertThat(admin("POST", "/admin/v1/connections", body).statusCode()).isEqualTo(200);
        List<Integer> statuses = new ArrayList<>();
        runAtOnce(() -> {
            int status = admin("POST", "/admin/v1/connections/" + name + "/sync", null).statusCode();
            synchronized (statuses) {
                statuses.add(status);
            }
        });
        assertThat(statuses).hasSize(PULLS).containsOnly(200);
        String id = jdbc.queryForObject("select id from emr_connection where name = ?", String.class, name);
        assertThat(jdbc.queryForObject("select count(*) - count(distinct ehr_id) from provider where connection_id = ?",
                Integer.class, id)).isZero();
    }

    private java.net.http.HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(java.net.http.HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + org.telenc.engine.admin.AdminAuthenticator.DEMO_TOKEN)
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body)));
    }

    @FunctionalInterface
    interface Pull {
        void run() throws Exception;
    }

    /** Runs the pull on PULLS threads released together; rethrows the first failure. */
    private static void runAtOnce(Pull pull) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PULLS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<CompletableFuture<Void>> runs = IntStream.range(0, PULLS).mapToObj(i -> CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    pull.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool)).toList();
            start.countDown();
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    private EmrConnection newConnection() {
        String id = "conc" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        jdbc.update("insert into emr_connection (id, name, emr_type, base_url, status, created_at) "
                + "values (?, ?, 'fhir-r4', 'embedded:sandbox', 'active', current_timestamp)", id, id);
        return new EmrConnection(id, "fhir-r4", "embedded:sandbox", null, null, "active");
    }

    private static Snapshot snapshot(int rows) {
        return new Snapshot(
                IntStream.range(0, rows).mapToObj(i -> new Provider(null, "p" + i, "Provider " + i, null, null, "active")).toList(),
                IntStream.range(0, rows).mapToObj(i -> new Location(null, "l" + i, "Location " + i, null, null, null, "active")).toList(),
                IntStream.range(0, rows).mapToObj(i -> new Staff(null, "s" + i, "Staff " + i, "nurse", "active")).toList(),
                IntStream.range(0, rows).mapToObj(i -> new Pharmacy(null, "f" + i, "Pharmacy " + i, null, null, null, "active")).toList(),
                IntStream.range(0, rows).mapToObj(i -> new User(null, "u" + i, "User " + i, "active")).toList());
    }

    private void assertOneRowPerEhrId(String connectionId, int rows) {
        for (String table : List.of("provider", "location", "staff", "pharmacy", "emr_user")) {
            assertThat(jdbc.queryForObject("select count(*) from " + table + " where connection_id = ? and status = 'active'",
                    Integer.class, connectionId)).as(table).isEqualTo(rows);
            assertThat(jdbc.queryForObject("select count(distinct ehr_id) from " + table + " where connection_id = ?",
                    Integer.class, connectionId)).as(table).isEqualTo(rows);
        }
    }
}
