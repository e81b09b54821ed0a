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
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Instant;
import java.util.ArrayList;
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
     * The messages of every dead-letter queue, the newest 100 per queue first, read from the embedded
     * broker's own queues (a JMS browser may answer before the broker has dispatched to it); empty
     * with an external broker, whose own console shows its queues.
     */
    public List<DeadLetter> list() throws JMSException {
        List<DeadLetter> all = new ArrayList<>();
        BrokerService embedded = this.embedded.getIfAvailable();
        if (embedded == null || !embedded.isStarted() || embedded.getRegionBroker() == null) {
            return all;
        }
        for (String queue : queues()) {
            ActiveMQQueue destination = new ActiveMQQueue(queue);
            Destination found = embedded.getRegionBroker().getDestinationMap(destination).get(destination);
            if (found == null) {
                continue;
            }
            // newest first: the oldest of a long queue are what an operator has seen already. The
            // broker's browse answers what it has paged in (at most its browse page, 400), pending
            // dispatch first and then the rest, so not in order: sort by the time the letter was sent
            List<ActiveMQMessage> ofQueue = new ArrayList<>();
            for (org.apache.activemq.command.Message browsed : found.browse()) {
                if (browsed instanceof ActiveMQMessage message) {
                    ofQueue.add(message);
                }
            }
            ofQueue.sort(java.util.Comparator.comparingLong(ActiveMQMessage::getJMSTimestamp).reversed());
            for (ActiveMQMessage message : ofQueue.subList(0, Math.min(MAX, ofQueue.size()))) {
                all.add(new DeadLetter(message.getJMSMessageID(), queue,
                        message.getJMSTimestamp() == 0 ? null : Instant.ofEpochMilli(message.getJMSTimestamp()),
                        failure(message.getStringProperty("dlqDeliveryFailureCause")), jobId(queue, message)));
            }
        }
        return all;
    }

    /** Whether the dead letters can be listed here (the embedded broker). */
    public boolean listable() {
        return embedded.getIfAvailable() != null;
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
        boolean done = false;
        if (mayBeOn(queue, messageId)) {
            done = takeOne(queue, messageId, redrive);
        }
        audit.console(user, operation, clip(messageId), done ? (redrive ? "queued to " + queue.substring(4) : "discarded")
                : "not found in " + queue, why);
        return done;
    }

    /**
     * Whether the message may be on the queue: false only when the embedded broker's own queue
     * does not have it, so that a letter someone else took already is answered at once.
     */
    private boolean mayBeOn(String queue, String messageId) {
        BrokerService embedded = this.embedded.getIfAvailable();
        if (embedded == null || !embedded.isStarted() || embedded.getRegionBroker() == null) {
            return true;
        }
        ActiveMQQueue destination = new ActiveMQQueue(queue);
        Destination found = embedded.getRegionBroker().getDestinationMap(destination).get(destination);
        if (found == null) {
            return false;
        }
        for (org.apache.activemq.command.Message browsed : found.browse()) {
            if (browsed.getMessageId() != null && messageId.equals(browsed.getMessageId().toString())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes the message off its queue in one transaction, re-sending it first when re-driven. The
     * broker dispatches to a selector consumer once it has paged the queue in: on a busy broker
     * that takes seconds, so the wait is long ({@link #TAKE_WAIT}); it is spent only when the
     * message was there a moment ago.
     */
    private boolean takeOne(String queue, String messageId, boolean redrive) throws JMSException {
        boolean done;
        try (Connection connection = broker.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue),
                    "JMSMessageID = '" + messageId.replace("'", "''") + "'")) {
                Optional<Message> message = Optional.ofNullable(consumer.receive(TAKE_WAIT.toMillis()));
                if (message.isPresent() && redrive) {
                    try (MessageProducer producer = session.createProducer(session.createQueue(queue.substring(4)))) {
                        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                        producer.send(message.get());
                    }
                }
                session.commit();
                done = message.isPresent();
            } catch (JMSException | RuntimeException e) {
                session.rollback();
                throw e;
            }
        }
        return done;
    }

    private static String clip(String id) {
        return id.length() <= 64 ? id : id.substring(id.length() - 64);
    }
}
