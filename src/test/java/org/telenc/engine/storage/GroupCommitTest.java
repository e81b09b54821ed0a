package org.telenc.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** Group commit against a real (in-memory H2) database: durability, isolation of failures, shutdown. */
class GroupCommitTest {

    private JdbcTemplate jdbc;
    private DataSourceTransactionManager transactions;
    private GroupCommit groupCommit;

    @BeforeEach
    void database() {
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.h2.Driver(),
                "jdbc:h2:mem:group-commit-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("create table item(id varchar(64) primary key, note varchar(8))");
        transactions = new DataSourceTransactionManager(dataSource);
        groupCommit = new GroupCommit(transactions);
    }

    @AfterEach
    void stop() throws InterruptedException {
        groupCommit.destroy();
    }

    private int insert(String id) {
        return jdbc.update("insert into item(id) values (?)", id);
    }

    private int count(String id) {
        return jdbc.queryForObject("select count(*) from item where id = ?", Integer.class, id);
    }

    @Test
    void aUnitReturnsItsResultOnlyOnceCommitted() {
        assertThat(groupCommit.run(() -> insert("one"))).isEqualTo(1);
        assertThat(count("one")).as("visible to another connection").isEqualTo(1);
    }

    @Test
    void concurrentUnitsShareCommitsAndEveryRowIsStoredOnce() throws Exception {
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
                    String id = "t" + thread + "-" + i;
                    groupCommit.run(() -> insert(id));
                    assertThat(count(id)).isEqualTo(1);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertThat(jdbc.queryForObject("select count(*) from item", Integer.class)).isEqualTo(threads * perThread);
        assertThat(groupCommit.commits()).as("commits for %d units", threads * perThread).isLessThan(threads * perThread);
    }

    @Test
    void aFailingUnitIsRolledBackAloneAndItsCallerGetsItsException() throws Exception {
        insert("taken");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int n = i;
            // every fifth unit writes a row, then fails on a duplicate key: its own row must go too
            results.add(pool.submit(() -> groupCommit.run(() -> {
                insert("u" + n);
                return n % 5 == 0 ? insert("taken") : 1;
            })));
        }
        for (int i = 0; i < 40; i++) {
            int n = i;
            if (n % 5 == 0) {
                assertThatThrownBy(() -> results.get(n).get()).hasCauseInstanceOf(DuplicateKeyException.class);
                assertThat(count("u" + n)).isZero();
            } else {
                assertThat(results.get(n).get()).isEqualTo(1);
                assertThat(count("u" + n)).isEqualTo(1);
            }
        }
        pool.shutdown();
    }

    @Test
    void afterShutdownUnitsRunInTransactionsOfTheirOwn() throws InterruptedException {
        groupCommit.run(() -> insert("before"));
        groupCommit.destroy();
        groupCommit.run(() -> insert("late"));
        assertThat(count("before")).isEqualTo(1);
        assertThat(count("late")).isEqualTo(1);
    }
}
