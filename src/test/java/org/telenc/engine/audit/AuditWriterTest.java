package org.telenc.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** Group commit of audit rows, against a real (in-memory H2) database. */
class AuditWriterTest {

    private JdbcTemplate jdbc;
    private DataSourceTransactionManager transactions;
    private AuditWriter writer;

    @BeforeEach
    void database() {
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.h2.Driver(),
                "jdbc:h2:mem:audit-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("""
                create table audit_log(id bigint auto_increment primary key, at timestamp, actor_type varchar(16),
                  actor varchar(128), token_reference varchar(200), operation varchar(80), object_id varchar(64),
                  outcome varchar(80))""");
        transactions = new DataSourceTransactionManager(dataSource);
        writer = new AuditWriter(jdbc, transactions);
    }

    @AfterEach
    void stop() throws InterruptedException {
        writer.destroy();
    }

    private static AuditWriter.Row row(String objectId) {
        return new AuditWriter.Row(Timestamp.from(Instant.now()), "client", "demo-client", "ref", "op", objectId, "200");
    }

    private int count(String objectId) {
        return jdbc.queryForObject("select count(*) from audit_log where object_id = ?", Integer.class, objectId);
    }

    @Test
    void aWriteReturnsOnlyOnceItsRowIsCommitted() {
        writer.write(row("one"));
        assertThat(count("one")).isEqualTo(1);
    }

    @Test
    void concurrentWritesShareCommitsAndEveryRowIsStoredOnce() throws Exception {
        int threads = 16;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    writer.write(row("t" + thread + "-" + i));
                    assertThat(count("t" + thread + "-" + i)).isEqualTo(1);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertThat(jdbc.queryForObject("select count(*) from audit_log", Integer.class)).isEqualTo(threads * perThread);
        assertThat(jdbc.queryForObject("select count(distinct object_id) from audit_log", Integer.class))
                .isEqualTo(threads * perThread);
        assertThat(writer.batchCommits()).as("commits for %d rows", threads * perThread)
                .isLessThan(threads * perThread);
    }

    @Test
    void aRowWrittenInsideATransactionCommitsOrRollsBackWithIt() {
        TransactionTemplate template = new TransactionTemplate(transactions);
        template.executeWithoutResult(status -> {
            writer.write(row("rolled-back"));
            status.setRollbackOnly();
        });
        template.executeWithoutResult(status -> writer.write(row("committed")));
        assertThat(count("rolled-back")).isZero();
        assertThat(count("committed")).isEqualTo(1);
        assertThat(writer.batchCommits()).as("never through the writer thread").isZero();
    }

    @Test
    void aFailingRowFailsOnlyItsOwnWrite() {
        AuditWriter.Row tooLong = new AuditWriter.Row(Timestamp.from(Instant.now()), "client-with-a-far-too-long-type",
                null, null, "op", "bad", "500");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.write(tooLong))
                .isInstanceOf(RuntimeException.class);
        writer.write(row("after"));
        assertThat(count("after")).isEqualTo(1);
    }

    @Test
    void afterShutdownRowsAreWrittenByTheirCallers() throws InterruptedException {
        writer.write(row("before"));
        writer.destroy();
        writer.write(row("late"));
        assertThat(count("before")).isEqualTo(1);
        assertThat(count("late")).isEqualTo(1);
    }
}
