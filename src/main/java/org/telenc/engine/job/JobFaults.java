package org.telenc.engine.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.routes.MessageHeaders;

/**
 * What a job of any kind that threw (anything the flows do not turn into an outcome: a bug, an
 * unexpected exception in a bean, a store failure) becomes, for the job-faults route configurations.
 * Each kind's bean hands its message here ({@link #failedForGood}) with the way it starts a job.
 * <p>
 * Such a failure rolls the consumer's JMS transaction back and the broker redelivers the message
 * ({@code engine.broker.redelivery}), because it may clear (a database blip, a race, a restart).
 * On the last delivery, instead of letting the broker move it to the dead-letter queue with no
 * webhook, the job ends {@code failed} with {@code internal_error} through the usual outcome path.
 * A queue message that is not JSON can never be processed, nor tied to a request: it goes to the
 * dead-letter queue at once. Logs carry ids, route ids and exception classes only (no PHI).
 */
@Component("jobFaults")
public class JobFaults {

    private static final Logger log = LoggerFactory.getLogger(JobFaults.class);
    public static final String INTERNAL_ERROR = "internal_error";
    public static final String DESCRIPTION = "The engine could not process this request.";

    private final JobQueue queue;
    private final int maximumRedeliveries;

    public JobFaults(JobQueue queue, EngineProperties properties) {
        this.queue = queue;
        this.maximumRedeliveries = properties.broker().redelivery().maximumRedeliveries();
        if (maximumRedeliveries < 0) {
            // ActiveMQ reads -1 as "redeliver for ever": a job that always throws would never end
            throw new IllegalArgumentException("engine.broker.redelivery.maximum-redeliveries must be 0 or more, not "
                    + maximumRedeliveries);
        }
    }

    /**
     * True when this delivery is the last one the broker makes ({@code JMSXDeliveryCount}, 1 on
     * the first, is past the redelivery maximum), or when the failure can never clear: a message
     * or stored payload that is not JSON fails the same way however often it is read.
     */
    public boolean givesUp(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure,
            @Header(MessageHeaders.JMSX_DELIVERY_COUNT) Integer deliveryCount) {
        return neverClears(failure) || delivery(deliveryCount) > maximumRedeliveries;
    }

    /** ActiveMQ sets JMSXDeliveryCount from the first redelivery on: absent means the first delivery. */
    private static int delivery(Integer deliveryCount) {
        return deliveryCount == null ? 1 : deliveryCount;
    }

    static boolean neverClears(Exception failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    /** Not the last delivery: one WARN line, then the transaction rolls back and the broker redelivers. */
    public void redelivering(@Body String message, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure,
            @ExchangeProperty(Exchange.FAILURE_ROUTE_ID) String routeId,
            @Header(MessageHeaders.JMS_MESSAGE_ID) String messageId, @Header(MessageHeaders.JMSX_DELIVERY_COUNT) Integer deliveryCount) {
        String id = queue.anyRequestIdOf(message);
        log.warn("queue message {} (request {}) failed in route {} on delivery {} of {} ({}); the broker redelivers it",
                messageId, id == null ? "unreadable" : id, routeId, delivery(deliveryCount), maximumRedeliveries + 1,
                className(failure));
    }

    /** Rebuilds a kind's job from its queue message (the kind's {@code start}). */
    @FunctionalInterface
    public interface Start<J extends EmrJob> {
        J start(String message) throws Exception;
    }

    /**
     * The job of a message that failed for good, failed with {@code internal_error}; null when the
     * message cannot be tied to a stored request (the route dead-letters it). A job whose outcome
     * is already recorded is returned as it is: its pending deliveries are queued again.
     */
    public <J extends EmrJob> J failedForGood(String message, Class<? extends JobMessage> type, Start<J> start,
            Exception failure, String routeId, String messageId, Integer deliveryCount) throws Exception {
        String id = queue.requestIdOf(message, type);
        J job;
        try {
            job = id == null ? null : start.start(message);
        } catch (Exception e) {
            throw unrecorded(messageId, id, routeId, deliveryCount, failure, e);
        }
        if (job == null) {
            untied(messageId, id, routeId, deliveryCount, failure);
            return null;
        }
        log.error("{} {} job {} failed in route {} on delivery {} ({}); {}", job.kindName(), job.requestId(),
                job.jobId(), routeId, delivery(deliveryCount), className(failure), ending(job.alreadyFinished()));
        if (!job.alreadyFinished()) {
            job.fail(INTERNAL_ERROR, DESCRIPTION);
        }
        return job;
    }

    /**
     * The job of a message the broker dead-lettered after its last redelivery, failed with
     * {@code internal_error} (the dead-letter consumers); null when it is tied to no stored request.
     */
    public <J extends EmrJob> J deadLettered(String message, Class<? extends JobMessage> type, Start<J> start,
            String messageId) throws Exception {
        String id = queue.requestIdOf(message, type);
        J job = id == null ? null : start.start(message);
        if (job == null) {
            log.error("dead-lettered queue message {} (request id {}) is tied to no stored request; discarded", messageId,
                    id == null ? "unreadable" : id);
            return null;
        }
        log.error("{} {} job {} was dead-lettered by the broker after its last redelivery; {}", job.kindName(),
                job.requestId(), job.jobId(), ending(job.alreadyFinished()));
        if (!job.alreadyFinished()) {
            job.fail(INTERNAL_ERROR, DESCRIPTION);
        }
        return job;
    }

    private static String ending(boolean alreadyFinished) {
        return alreadyFinished ? "its outcome is already recorded: its pending deliveries are queued again"
                : "it ends failed (" + INTERNAL_ERROR + ")";
    }

    /** The job could not even be read back to record its failure (say, the database is down). */
    private Exception unrecorded(String messageId, String id, String routeId, Integer deliveryCount, Exception failure,
            Exception reading) {
        log.error("queue message {} (request {}) failed in route {} on delivery {} ({}), and reading its request failed "
                + "too ({}); the broker moves it to the dead-letter queue", messageId, id, routeId, delivery(deliveryCount),
                className(failure), className(reading));
        return reading;
    }

    private void untied(String messageId, String id, String routeId, Integer deliveryCount, Exception failure) {
        log.error("queue message {} (request id {}) failed in route {} on delivery {} ({}) and is tied to no stored "
                + "request; it goes to the dead-letter queue", messageId, id == null ? "unreadable" : id, routeId,
                delivery(deliveryCount), className(failure));
    }

    private static String className(Exception failure) {
        return failure == null ? "unknown" : failure.getClass().getName();
    }
}
