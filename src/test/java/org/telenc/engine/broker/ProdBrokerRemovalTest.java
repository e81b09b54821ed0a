package org.telenc.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.command.ActiveMQQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No producer removes a queue it does not own on the production broker: the production file as
 * written, in a broker process of its own on the jars of the image's ActiveMQ version
 * ({@link ProdBrokerProcess}), with the file's example producer and a second one added the way the
 * file says. A producer logged in over OpenWire asks the broker to remove a destination
 * (ActiveMQConnection.destroyDestination: a DestinationInfo of type remove) and is refused for the
 * engine's queues, the shared intake queue, the dead letter queues and the other producer's reply and
 * rejection queues, each of which keeps its message; a producer may remove its own rejection queue,
 * and the engine any queue. STOMP and AMQP 1.0
 * have no command that removes a named queue.
 */
class ProdBrokerRemovalTest {

    static final String PRODUCER = ProdBrokerProcess.PRODUCER;
    static final String OTHER_PRODUCER = "clinic-b-scheduler";
    static final String SUBMIT = "telephone-encounters.submit";
    /** Queues no producer may remove, each holding a message the engine put there. */
    static final List<String> NOT_THE_PRODUCERS = List.of(
            "telephone-encounters.requests", "telephone-encounters.actions", "webhooks.deliver", "webhooks.deliver.retry",
            SUBMIT, "DLQ.telephone-encounters.requests", "DLQ.telephone-encounters.actions", "DLQ.webhooks.deliver",
            "DLQ." + SUBMIT, SUBMIT + ".replies." + OTHER_PRODUCER, SUBMIT + ".rejected." + OTHER_PRODUCER);

    static ProdBrokerProcess broker;

    @BeforeAll
    static void startTheProductionBroker() throws Exception {
        broker = new ProdBrokerProcess(List.of(OTHER_PRODUCER));
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    static ActiveMQConnection engine() throws Exception {
        return (ActiveMQConnection) broker.openWire(broker.engineUser, broker.enginePassword).createConnection();
    }

    static ActiveMQConnection producer(String producer) throws Exception {
        return (ActiveMQConnection) broker.openWire(producer, broker.producerPasswords.get(producer)).createConnection();
    }

    /** The engine puts one message on the queue (creating it). */
    static void engineFills(String queue) throws Exception {
        try (Connection connection = engine(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer sender = session.createProducer(session.createQueue(queue))) {
            sender.send(session.createTextMessage("""
                    {"job":"kept"}"""));
        }
    }

    /** How many messages the engine sees on the queue. */
    static int engineCounts(String queue) throws Exception {
        try (Connection connection = engine(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
            connection.start();
            return Collections.list(browser.getEnumeration()).size();
        }
    }

    @Test
    void noProducerRemovesTheEnginesQueuesTheDeadLetterQueuesOrAnotherProducersQueues() throws Exception {
        for (String queue : NOT_THE_PRODUCERS) {
            engineFills(queue);
        }
        List<String> removed = new ArrayList<>();
        for (String producer : List.of(PRODUCER, OTHER_PRODUCER)) {
            try (ActiveMQConnection connection = producer(producer)) {
                connection.start();
                for (String queue : NOT_THE_PRODUCERS) {
                    if (queue.endsWith("." + producer)) {
                        continue;
                    }
                    try {
                        connection.destroyDestination(new ActiveMQQueue(queue));
                        removed.add(producer + " removed " + queue);
                    } catch (JMSException refused) {
                        assertThat(refused).as("%s removes %s", producer, queue).hasMessageContaining("is not authorized to remove");
                    }
                }
            }
        }
        assertThat(removed).as("removals the broker allowed a producer").isEmpty();
        for (String queue : NOT_THE_PRODUCERS) {
            assertThat(engineCounts(queue)).as("messages left on %s", queue).isEqualTo(1);
        }
    }

    /** It holds the admin right there, to create the queue when it subscribes before the engine's first answer. */
    @Test
    void aProducerMayRemoveItsOwnRejectionQueue() throws Exception {
        String queue = SUBMIT + ".rejected." + PRODUCER;
        engineFills(queue);
        try (ActiveMQConnection connection = producer(PRODUCER)) {
            connection.start();
            connection.destroyDestination(new ActiveMQQueue(queue));
        }
        assertThat(engineCounts(queue)).as("messages left on %s once removed", queue).isZero();
    }

    @Test
    void theEngineRemovesAQueue() throws Exception {
        String queue = "telephone-encounters.removal-check";
        engineFills(queue);
        assertThat(engineCounts(queue)).isEqualTo(1);
        try (ActiveMQConnection connection = engine()) {
            connection.start();
            connection.destroyDestination(new ActiveMQQueue(queue));
        }
        assertThat(engineCounts(queue)).as("messages left on %s once removed", queue).isZero();
    }
}
