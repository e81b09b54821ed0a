package org.telenc.engine.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The steps of a job's timeline ({@code job_step}, shown on the console's job page): each EMR call
 * and each extension point run, by job id. A step is handed to a queue and written by a thread of
 * its own, in batches, each batch in a transaction of its own: the job's thread never waits for the
 * database, and a step is kept whatever the job's try does next. A try that fails and is redelivered
 * by the broker (its JMS transaction rolled back) keeps its steps: the timeline shows what happened,
 * try by try. Recording never fails a job: a step the queue has no room for, or a batch the database
 * refuses, is logged at WARN (how many, and the exception's class) and counted in
 * {@code telenc.job.steps.lost}; steps still queued when the process dies are lost. Only names
 * (adapter operation, extension point), statuses and durations are written: never a URL, a body or
 * an id or value of the request.
 */
@Component
public class JobSteps implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(JobSteps.class);

    /** Steps waiting for the writer at most: beyond, a step is dropped (and counted), the job goes on. */
    static final int QUEUE = 10_000;
    /** Steps in one insert batch at most. */
    static final int BATCH = 500;

    static final String INSERT = """
            insert into job_step(job_id, at, kind, name, outcome, http_status, duration_ms) values (?,?,?,?,?,?,?)""";

    /** One step, as stored. */
    record Step(long jobId, Instant at, String kind, String name, String outcome, Integer httpStatus, long durationMs) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Counter lost;
    private final BlockingQueue<Step> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread writer;
    private volatile boolean running = true;

    public JobSteps(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.clock = clock;
        this.lost = Counter.builder("telenc.job.steps.lost")
                .description("job timeline steps (EMR calls, extension points) not written: no room in the queue, or the insert failed")
                .register(meters);
        this.writer = new Thread(this::write, "job-steps");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * An EMR call of a job that took {@code took} and ended now: the adapter operation, the HTTP
     * status (null: no answer) and the outcome class ({@code ok}, {@code retryable}, {@code permanent}).
     */
    public void emrCall(long jobId, String operation, Integer httpStatus, String outcome, Duration took) {
        add(jobId, "emr_call", operation, outcome, httpStatus, took);
    }

    /** An extension point of a job that ran for {@code took} and ended now, ok or failed. */
    public void extension(long jobId, String point, boolean ok, Duration took) {
        add(jobId, "extension", point, ok ? "ok" : "failed", null, took);
    }

    private void add(long jobId, String kind, String name, String outcome, Integer httpStatus, Duration took) {
        try {
            Duration duration = took == null || took.isNegative() ? Duration.ZERO : took;
            Step step = new Step(jobId, clock.instant().minus(duration), kind, clip(name == null ? "?" : name, 64),
                    clip(outcome == null ? "?" : outcome, 16), httpStatus, duration.toMillis());
            if (!running || !queue.offer(step)) {
                lost.increment();
                log.warn("job step {} {} of job {} not recorded: {}", kind, step.name(), jobId,
                        running ? "the queue is full" : "the engine is stopping");
            }
        } catch (RuntimeException e) {
            lost.increment();
            log.warn("job step {} of job {} not recorded: {}", kind, jobId, e.getClass().getSimpleName());
        }
    }

    private void write() {
        List<Step> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Step first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                insert(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } finally {
                batch.clear();
            }
        }
    }

    private void insert(List<Step> batch) {
        try {
            List<Object[]> rows = batch.stream().map(s -> new Object[] {s.jobId(), Timestamp.from(s.at()), s.kind(), s.name(),
                    s.outcome(), s.httpStatus(), s.durationMs()}).toList();
            transactions.executeWithoutResult(status -> jdbc.batchUpdate(INSERT, rows));
        } catch (RuntimeException e) {
            lost.increment(batch.size());
            log.warn("{} job step(s) not written: {}", batch.size(), e.getClass().getSimpleName());
        }
    }

    /** Writes what is queued, then stops the writer (it waits a few seconds at most). */
    @Override
    public void destroy() throws InterruptedException {
        running = false;
        writer.join(TimeUnit.SECONDS.toMillis(5));
    }

    private static String clip(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
