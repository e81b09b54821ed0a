package org.telenc.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.activemq.command.ActiveMQTempQueue;
import org.apache.activemq.transport.stomp.StompConnection;
import org.apache.activemq.transport.stomp.StompFrame;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.EngineTest;

/**
 * The MQ intake on the production broker: the engine, with no embedded broker, on the prod overlay's
 * activemq.xml run as written in a process of its own ({@link ProdBrokerProcess}, TLS on every
 * connector), with the demo client added as a producer the way the file says. The producer logs in as
 * itself over TLS on OpenWire, STOMP and AMQP, names its own reply queue, and gets the engine's
 * answer there; a temporary reply-to (which this broker cannot attribute) is refused
 * {@code invalid_reply_to} to the producer's rejection queue.
 */
@DirtiesContext // its broker is gone after the class
class ProdBrokerIntakeTest extends EngineTest {

    static final ProdBrokerProcess BROKER;
    static final String SUBMIT = "telephone-encounters.submit";
    static final String REPLIES = SUBMIT + ".replies." + CLIENT_ID;
    static final String REJECTED = SUBMIT + ".rejected." + CLIENT_ID;
    static final String LINK = "demo-clinic";
    static final String VALID = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}";

    static {
        try {
            BROKER = new ProdBrokerProcess(List.of(CLIENT_ID));
            // stopped when the JVM ends, after the engine's context (closed after the class) is gone:
            // an engine stopping against a dead broker waits on its reconnect loop
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    BROKER.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void productionBroker(DynamicPropertyRegistry registry) {
        registry.add("engine.broker.embedded", () -> "false");
        registry.add("spring.activemq.broker-url",
                () -> "failover:(" + BROKER.openWireUrl() + ")?initialReconnectDelay=100&maxReconnectDelay=1000");
        registry.add("engine.broker.user", () -> BROKER.engineUser);
        registry.add("engine.broker.password", () -> BROKER.enginePassword);
        registry.add("engine.broker.trust-store", BROKER.truststore::toString);
        registry.add("engine.broker.trust-store-password", () -> BROKER.truststorePassword);
    }

    String producerPassword() {
        return BROKER.producerPasswords.get(CLIENT_ID);
    }

    static void acceptedAndCreated(Message reply) throws Exception {
        assertThat(reply).as("a reply on the producer's reply queue").isInstanceOf(TextMessage.class);
        assertThat(reply.getIntProperty("status")).as(((TextMessage) reply).getText()).isEqualTo(200);
        String id = JSON.readTree(((TextMessage) reply).getText()).path("telephone_encounter_id").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        String event = receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(60)).bodyText();
        assertThat(JSON.readTree(event).path("type").asText()).isEqualTo("telephone_encounter.created");
    }

    /** Sends over a JMS client (OpenWire or AMQP) with the producer's reply queue; returns the reply. */
    Message call(jakarta.jms.ConnectionFactory factory) throws Exception {
        String correlation = "corr-" + UUID.randomUUID();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage request = session.createTextMessage(VALID);
            request.setStringProperty("access_token_reference_id", LINK);
            request.setJMSCorrelationID(correlation);
            request.setJMSReplyTo(session.createQueue(REPLIES));
            session.createProducer(session.createQueue(SUBMIT)).send(request);
            try (MessageConsumer replies = session.createConsumer(session.createQueue(REPLIES), "JMSCorrelationID = '" + correlation + "'")) {
                return replies.receive(30_000);
            }
        }
    }

    @Test
    void anOpenWireProducerOverTlsGetsItsAnswerOnItsReplyQueue() throws Exception {
        acceptedAndCreated(call(BROKER.openWire(CLIENT_ID, producerPassword())));
    }

    @Test
    void anAmqpProducerOverTlsGetsItsAnswerOnItsReplyQueue() throws Exception {
        acceptedAndCreated(call(BROKER.amqp(CLIENT_ID, producerPassword())));
    }

    @Test
    void aStompProducerOverTlsGetsItsAnswerOnItsReplyQueue() throws Exception {
        String correlation = "corr-" + UUID.randomUUID();
        StompConnection stomp = BROKER.stompOverTls();
        try {
            stomp.sendFrame("CONNECT\naccept-version:1.2\nhost:activemq\nlogin:" + CLIENT_ID + "\npasscode:" + producerPassword() + "\n\n\u0000");
            assertThat(stomp.receive(10_000).getAction()).isEqualTo("CONNECTED");
            stomp.sendFrame("SUBSCRIBE\ndestination:/queue/" + REPLIES + "\nid:1\nack:auto\nselector:JMSCorrelationID = '" + correlation
                    + "'\nreceipt:s1\n\n\u0000");
            assertThat(stomp.receive(10_000).getAction()).isEqualTo("RECEIPT");
            stomp.sendFrame("SEND\ndestination:/queue/" + SUBMIT + "\naccess_token_reference_id:" + LINK + "\ncorrelation-id:" + correlation
                    + "\nreply-to:/queue/" + REPLIES + "\npersistent:true\n\n" + VALID + "\u0000");
            StompFrame reply = stomp.receive(30_000);
            assertThat(reply.getAction()).as(reply.toString()).isEqualTo("MESSAGE");
            assertThat(reply.getHeaders().get("status")).as(reply.getBody()).isEqualTo("200");
            String id = JSON.readTree(reply.getBody()).path("telephone_encounter_id").asText();
            assertThat(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(60)).bodyText()).contains("telephone_encounter.created");
        } finally {
            stomp.close();
        }
    }

    /**
     * A producer gets no temporary queue here, but it could name one it learned (the engine's, say):
     * the engine answers into none on an external broker, and keeps the refusal on the rejection queue.
     */
    @Test
    void aTemporaryReplyToIsRefusedToTheRejectionQueue() throws Exception {
        String correlation = "corr-" + UUID.randomUUID();
        try (Connection c = BROKER.openWire(CLIENT_ID, producerPassword()).createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage request = session.createTextMessage(VALID);
            request.setStringProperty("access_token_reference_id", LINK);
            request.setJMSCorrelationID(correlation);
            request.setJMSReplyTo(new ActiveMQTempQueue("ID:another-connection-1:1:1"));
            session.createProducer(session.createQueue(SUBMIT)).send(request);
            try (MessageConsumer rejected = session.createConsumer(session.createQueue(REJECTED), "JMSCorrelationID = '" + correlation + "'")) {
                Message refusal = rejected.receive(30_000);
                assertThat(refusal).as("the refusal on " + REJECTED).isInstanceOf(TextMessage.class);
                assertThat(refusal.getIntProperty("status")).isEqualTo(400);
                JsonNode body = JSON.readTree(((TextMessage) refusal).getText());
                assertThat(body.path("error").asText()).isEqualTo("invalid_reply_to");
                assertThat(refusal.getStringProperty("error")).isEqualTo("invalid_reply_to");
            }
        }
    }
}
