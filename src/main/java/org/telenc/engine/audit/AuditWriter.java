package org.telenc.engine.audit;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for audit rows. A caller outside a transaction (every API answer) hands its row over
 * and waits until it is committed, so an answer still never leaves before its audit row is stored;
 * the rows of concurrent answers share one transaction, one commit, instead of one each. A row
 * written inside a transaction (a job's terminal outcome) joins that transaction, as before: it
 * commits or rolls back with what it describes.
 */
@Component
public class AuditWriter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
    static final String INSERT = """
            insert into audit_log(at, actor_type, actor, token_reference, operation, object_id, outcome)
            values (?,?,?,?,?,?,?)""";
    static final int MAX_BATCH = 256;
    /** How long a caller waits for its commit before it answers anyway (the row is still written). */
    static final Duration WAIT = Duration.ofSeconds(5);

    /** One audit row, already clipped to the columns' sizes. */
    public record Row(Timestamp at, String actorType, String actor, String tokenReference, String operation,
            String objectId, String outcome) {

        Object[] values() {
            return new Object[] {at, actorType, actor, tokenReference, operation, objectId, outcome};
        }
    }

    private record Pending(Row row, CompletableFuture<Void> committed) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(10_000);
    private final Thread writer;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();

    public AuditWriter(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.writer = new Thread(this::writeBatches, "audit-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Stores the row; returns once it is committed (or, inside a transaction, written in it). */
    public void write(Row row) {
        if (TransactionSynchronizationManager.isActualTransactionActive() || !running) {
            jdbc.update(INSERT, row.values());
            return;
        }
        Pending pending = new Pending(row, new CompletableFuture<>());
        if (!queue.offer(pending)) {
            jdbc.update(INSERT, row.values()); // the writer is far behind: write it here
            return;
        }
        try {
            pending.committed().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            log.warn("audit entry for {} not committed within {}; answering without waiting", row.operation(), WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeBatches() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } catch (RuntimeException | Error e) {
                batch.forEach(p -> p.committed().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    /** One transaction for the batch; if it fails, each row alone, so one bad row fails only itself. */
    private void commit(List<Pending> batch) {
        try {
            List<Object[]> values = batch.stream().map(p -> p.row().values()).toList();
            transactions.executeWithoutResult(status -> jdbc.batchUpdate(INSERT, values));
            commits.incrementAndGet();
            batch.forEach(p -> p.committed().complete(null));
        } catch (RuntimeException batchFailure) {
            for (Pending pending : batch) {
                try {
                    jdbc.update(INSERT, pending.row().values());
                    pending.committed().complete(null);
                } catch (RuntimeException e) {
                    pending.committed().completeExceptionally(e);
                }
            }
        }
    }

    /** Batches committed by the writer thread so far. */
    long batchCommits() {
        return commits.get();
    }

    /** Writes what is queued, then stops; later rows are written by their callers. */
    @Override
    public void destroy() throws InterruptedException {
        running = false;
        writer.join(WAIT.toMillis());
    }
}
