package org.telenc.engine.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.region.Destination;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ActiveMQQueue;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.telenc.engine.audit.AuditLog;
import org.telenc.engine.observability.QueueDepthGauges;

/**
 * The dead-letter queues ({@code DLQ.<queue>}) as the console shows them: each message's id,
 * queue, time, the kind of failure (the exception's class as the broker recorded it, never its
 * text) and its job id, read only from the queues whose messages hold nothing but ids (the job and
 * delivery queues; never the MQ intake's, whose body is the request). No body is shown. Re-drive
 * moves one message back to its queue, discard removes it; each in one broker transaction, audited.
 */
@Component
public class DeadLetters {

    /** Queues whose messages are ids only (a job's or a delivery's): their job id may be read. */
    private static final Set<String> ID_ONLY = Set.of("telephone-encounters.requests", "telephone-encounters.actions",
            "webhooks.deliver", "webhooks.deliver.retry");
    private static final int MAX = 100;
    /** The most letters a queue's browse reads: the broker's browse page (maxBrowsePageSize). */
    static final int BROWSED = 400;
    /** How long a re-drive or discard waits for the broker to hand over a letter it holds. */
    private static final java.time.Duration TAKE_WAIT = java.time.Duration.ofSeconds(15);

    private final ConnectionFactory broker;
    private final ObjectMapper json;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final ObjectProvider<BrokerService> embedded;

    public DeadLetters(@Qualifier("jmsConnectionFactory") ConnectionFactory broker, ObjectMapper json, JdbcTemplate jdbc,
            AuditLog audit, ObjectProvider<BrokerService> embedded) {
        this.embedded = embedded;
        this.broker = broker;
        this.json = json;
        this.jdbc = jdbc;
        this.audit = audit;
    }

    public record DeadLetter(String messageId, String queue, Instant at, String failure, Long jobId) {
    }

    /** The dead-letter queues the engine's queues have. */
    public static List<String> queues() {
        return QueueDepthGauges.queues().stream().filter(q -> q.startsWith("DLQ.")).toList();
    }

    /**
     * The messages of every dead-letter queue, the newest 100 per queue first. With the embedded
     * broker they are read from its own queues (a JMS browser may answer before the broker has
     * dispatched to it); with an external broker through a JMS queue browser on the engine's own
     * connection, on the engine's known dead-letter queues ({@link #queues()}: the engine's
     * connections watch no advisories, so they cannot discover queues, and these are the only ones it
     * re-drives). Either way at most {@value #BROWSED} a queue are read, the broker's browse page.
     */
    public List<DeadLetter> list() throws JMSException {
        List<DeadLetter> all = new ArrayList<>();
        for (String queue : queues()) {
            Optional<List<Message>> browsed = browse(queue);
            if (browsed.isEmpty()) {
                return List.of(); // the embedded broker is not up (yet)
            }
            // newest first: the oldest of a long queue are what an operator has seen already. The
            // broker's browse answers what it has paged in (at most its browse page, 400), pending
            // dispatch first and then the rest, so not in order: sort by the time the letter was sent
            List<Message> ofQueue = new ArrayList<>(browsed.get());
            ofQueue.sort(java.util.Comparator.comparingLong(DeadLetters::sent).reversed());
            for (Message message : ofQueue.subList(0, Math.min(MAX, ofQueue.size()))) {
                all.add(new DeadLetter(message.getJMSMessageID(), queue,
                        sent(message) == 0 ? null : Instant.ofEpochMilli(sent(message)),
                        failure(message.getStringProperty("dlqDeliveryFailureCause")), jobId(queue, message)));
            }
        }
        return all;
    }

    private static long sent(Message message) {
        try {
            return message.getJMSTimestamp();
        } catch (JMSException e) {
            return 0;
        }
    }

    /**
     * The letters on one dead-letter queue: the embedded broker's own queue as it browses it (none
     * when the broker has not made it), or at most {@value #BROWSED} of a JMS browser's on an external broker (which
     * makes the queue when it is not there yet: the engine's login has the admin right on DLQ.>).
     * Empty while the embedded broker is not started.
     */
    private Optional<List<Message>> browse(String queue) throws JMSException {
        List<Message> letters = new ArrayList<>();
        BrokerService embedded = this.embedded.getIfAvailable();
        if (embedded != null) {
            if (!embedded.isStarted() || embedded.getRegionBroker() == null) {
                return Optional.empty();
            }
            ActiveMQQueue destination = new ActiveMQQueue(queue);
            Destination found = embedded.getRegionBroker().getDestinationMap(destination).get(destination);
            if (found != null) {
                for (org.apache.activemq.command.Message browsed : found.browse()) {
                    if (browsed instanceof ActiveMQMessage message) {
                        letters.add(message);
                    }
                }
            }
            return Optional.of(letters);
        }
        try (Connection connection = broker.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                Enumeration<?> messages = browser.getEnumeration();
                while (letters.size() < BROWSED && messages.hasMoreElements()) {
                    letters.add((Message) messages.nextElement());
                }
            }
        }
        return Optional.of(letters);
    }

    /**
     * Messages waiting on one dead-letter queue as the overview shows them: the embedded broker's
     * count, or on an external broker the letters a browse reads ("at least 400" past the broker's
     * browse page), "unknown" while the broker cannot be read.
     */
    public String depth(String queue) {
        BrokerService embedded = this.embedded.getIfAvailable();
        if (embedded != null) {
            double depth = QueueDepthGauges.depth(embedded, queue);
            return Double.isNaN(depth) ? "unknown" : String.valueOf((long) depth);
        }
        try {
            int browsed = browse(queue).map(List::size).orElse(-1);
            return browsed < 0 ? "unknown" : browsed >= BROWSED ? "at least " + BROWSED : String.valueOf(browsed);
        } catch (JMSException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The kind of failure: the exception class the broker names, never the exception's text. */
    static String failure(String cause) {
        if (cause == null || cause.isBlank()) {
            return "unknown";
        }
        if (cause.contains("exceeds redelivery policy limit")) {
            return "redelivery limit exceeded";
        }
        String type = cause.split("[:\\s]", 2)[0];
        return type.matches("[A-Za-z0-9_.$]{1,200}") ? type : "unknown";
    }

    private Long jobId(String deadLetterQueue, Message message) {
        if (!ID_ONLY.contains(deadLetterQueue.substring(4)) || !(message instanceof TextMessage text)) {
            return null;
        }
        try {
            JsonNode ids = json.readTree(text.getText());
            if (ids.hasNonNull("job_id") && ids.get("job_id").asText().matches("\\d{1,18}")) {
                return Long.parseLong(ids.get("job_id").asText());
            }
            if (ids.hasNonNull("delivery_id")) {
                return jdbc.query("""
                        select ev.job_id from webhook_delivery d join webhook_event ev on ev.id = d.event_id where d.id = ?""",
                        (rs, i) -> rs.getObject(1) == null ? null : rs.getLong(1), ids.get("delivery_id").asText())
                        .stream().findFirst().orElse(null);
            }
        } catch (Exception e) {
            // not the ids we know: no job id
        }
        return null;
    }

    /** Moves one message back to the queue it died on; false when it is no longer there. */
    public boolean redrive(String user, String queue, String messageId, String reason) throws JMSException {
        return take(user, queue, messageId, reason, true);
    }

    /** Removes one message from its dead-letter queue; false when it is no longer there. */
    public boolean discard(String user, String queue, String messageId, String reason) throws JMSException {
        return take(user, queue, messageId, reason, false);
    }

    private boolean take(String user, String queue, String messageId, String reason, boolean redrive) throws JMSException {
        String why = ConsoleActions.reason(reason);
        if (!queues().contains(queue)) {
            throw new ConsoleActions.Refused("Not a dead-letter queue of the engine.");
        }
        String operation = redrive ? "console-redrive-dead-letter" : "console-discard-dead-letter";
        Optional<String> done = Optional.empty();
        if (mayBeOn(queue, messageId)) {
            done = takeOne(queue, messageId, redrive);
        }
        audit.console(user, operation, clip(messageId), done.isPresent() ? (redrive ? "queued to " + done.get() : "discarded")
                : "not found in " + queue, why);
        return done.isPresent();
    }

    /**
     * Whether the message may be on the queue: false only when a browse read the whole queue (fewer
     * than {@value #BROWSED} letters) without it, so that a letter someone else took already is
     * answered at once.
     */
    private boolean mayBeOn(String queue, String messageId) throws JMSException {
        Optional<List<Message>> browsed = browse(queue);
        if (browsed.isEmpty()) {
            return true;
        }
        for (Message message : browsed.get()) {
            if (messageId.equals(message.getJMSMessageID())) {
                return true;
            }
        }
        return browsed.get().size() >= BROWSED;
    }

    /**
     * Takes the message off its queue in one transaction, re-sending it first when re-driven: to
     * the destination it died on as the broker recorded it ({@code originalDestination}), or, for a
     * letter the engine parked itself, the queue the dead-letter queue is named after. The broker
     * dispatches to a selector consumer once it has paged the queue in: on a busy broker that takes
     * seconds, so the wait is long ({@link #TAKE_WAIT}); it is spent only when the message may be
     * there. Answers where the message went ("discarded" for a discard), empty when it was not there.
     */
    private Optional<String> takeOne(String queue, String messageId, boolean redrive) throws JMSException {
        try (Connection connection = broker.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue),
                    "JMSMessageID = '" + messageId.replace("'", "''") + "'")) {
                Message message = consumer.receive(TAKE_WAIT.toMillis());
                String to = message == null ? null : redrive ? destinationOf(queue, message) : "discarded";
                if (message != null && redrive) {
                    try (MessageProducer producer = session.createProducer(session.createQueue(to))) {
                        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                        producer.send(message);
                    }
                }
                session.commit();
                return Optional.ofNullable(to);
            } catch (JMSException | RuntimeException e) {
                session.rollback();
                throw e;
            }
        }
    }

    /** The engine queue a dead letter died on: the broker's originalDestination when it is one, else the DLQ's name without DLQ. */
    static String destinationOf(String deadLetterQueue, Message message) {
        if (message instanceof ActiveMQMessage letter && letter.getOriginalDestination() instanceof ActiveMQQueue original
                && QueueDepthGauges.QUEUES.contains(original.getPhysicalName())) {
            return original.getPhysicalName();
        }
        return deadLetterQueue.substring(4);
    }

    private static String clip(String id) {
        return id.length() <= 64 ? id : id.substring(id.length() - 64);
    }
}
