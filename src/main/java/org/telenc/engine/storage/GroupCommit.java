package org.telenc.engine.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit: units of database work handed over by concurrent callers run on one writer thread,
 * each behind its own savepoint, and are committed together, one commit for all of them instead of
 * one each. A caller gets its result only after the commit, so what it answers is as durable as with
 * a transaction of its own; a unit that fails is rolled back to its savepoint and fails alone; a
 * failed commit fails every unit in it. With an embedded H2 a commit rewrites the pages it touched,
 * and on every store a commit is a synchronous flush, so sharing it is what makes intake cheaper.
 *
 * <p>A unit runs on the writer thread, not the caller's: it must reach the database only through
 * Spring's JDBC support (JdbcTemplate, the repositories), which joins the writer's transaction. It is
 * for callers outside a database transaction: a caller holding one (and its locks) would wait for a
 * writer that may wait for those locks. JMS consumers count as outside (their transaction is the
 * broker's). After shutdown a unit runs in a transaction of its own.
 */
@Component
public class GroupCommit implements DisposableBean {

    /** Most units in one commit: bounds the time the first one waits for the last. */
    static final int MAX_UNITS = 128;

    private record Unit<T>(Supplier<T> work, CompletableFuture<T> done) {
    }

    private final TransactionTemplate transactions;
    private final BlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean running = true;
    /** Taken shared to hand a unit over, exclusively to stop: no unit is queued after the writer's last look. */
    private final ReadWriteLock handover = new ReentrantReadWriteLock();

    public GroupCommit(PlatformTransactionManager transactionManager) {
        this.transactions = new TransactionTemplate(transactionManager);
        this.writer = new Thread(this::writeGroups, "group-commit");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Runs {@code work} in a transaction shared with other callers' units and returns its result once
     * that transaction is committed; throws what the unit threw, or what the commit threw.
     */
    public <T> T run(Supplier<T> work) {
        Unit<T> unit = new Unit<>(work, new CompletableFuture<>());
        boolean queued;
        handover.readLock().lock();
        try {
            queued = running && queue.offer(unit);
        } finally {
            handover.readLock().unlock();
        }
        if (!queued) {
            return transactions.execute(status -> work.get());
        }
        try {
            return unit.done().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // the unit may still be committed: the caller answers as for any failed store
            throw new IllegalStateException("interrupted while waiting for the commit", e);
        }
    }

    /** Transactions committed by the writer thread so far (each holding one or more units). */
    public long commits() {
        return commits.get();
    }

    private void writeGroups() {
        List<Unit<?>> group = new ArrayList<>(MAX_UNITS);
        while (running || !queue.isEmpty()) {
            try {
                Unit<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_UNITS - 1);
                commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } finally {
                group.clear();
            }
        }
    }

    private void commit(List<Unit<?>> group) {
        Object[] results = new Object[group.size()];
        Throwable[] failures = new Throwable[group.size()];
        try {
            transactions.executeWithoutResult(status -> {
                for (int i = 0; i < group.size(); i++) {
                    Object savepoint = status.createSavepoint();
                    try {
                        results[i] = group.get(i).work().get();
                        status.releaseSavepoint(savepoint);
                    } catch (RuntimeException | Error e) {
                        status.rollbackToSavepoint(savepoint);
                        failures[i] = e;
                    }
                }
            });
            commits.incrementAndGet();
        } catch (RuntimeException | Error commitFailure) {
            group.forEach(unit -> unit.done().completeExceptionally(commitFailure));
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            @SuppressWarnings("unchecked")
            CompletableFuture<Object> done = (CompletableFuture<Object>) group.get(i).done();
            if (failures[i] != null) {
                done.completeExceptionally(failures[i]);
            } else {
                done.complete(results[i]);
            }
        }
    }

    /** Commits what is queued, then stops; later units run in transactions of their own. */
    @Override
    public void destroy() throws InterruptedException {
        handover.writeLock().lock();
        try {
            running = false;
        } finally {
            handover.writeLock().unlock();
        }
        writer.join(10_000);
    }
}
