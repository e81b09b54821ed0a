package org.telenc.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.transport.stomp.StompConnection;
import org.apache.activemq.transport.stomp.StompFrame;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * Nobody reads or writes a queue it does not own: real OpenWire, STOMP and AMQP 1.0 clients against
 * the embedded broker log in anonymously, with a wrong secret, as an unknown client and as another
 * producer, and try to consume, browse, send and remove where they may not. After a run, the
 * broker's data directory holds no client secret and no access token, byte for byte.
 */
class BrokerSecurityTest extends EngineTest {

    static final String OTHER_CLIENT = "other-producer";
    static final String OTHER_SECRET = "other-producer-secret-0123456789abcdef";
    /** What only the engine may read (and, but for .submit, write). */
    static final List<String> ENGINE_QUEUES = List.of("telephone-encounters.submit", "telephone-encounters.requests",
            "telephone-encounters.actions", "webhooks.deliver", "webhooks.deliver.retry", "DLQ.telephone-encounters.requests",
            "DLQ.webhooks.deliver", "telephone-encounters.submit.rejected", "telephone-encounters.submit.rejected." + OTHER_CLIENT,
            "telephone-encounters.submit.replies." + OTHER_CLIENT, "telephone-encounters.>", ">");

    @Autowired
    BrokerService broker;
    @Autowired
    TenancyRepository tenancy;

    @BeforeEach
    void otherProducer() {
        if (tenancy.findClient(OTHER_CLIENT).isEmpty()) {
            tenancy.insertClient(Secrets.newId(), OTHER_CLIENT, Secrets.sha256Hex(OTHER_SECRET), "another producer");
        }
    }

    URI connector(String scheme) {
        return broker.getTransportConnectors().stream().map(c -> {
            try {
                return c.getConnectUri();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(u -> u.getScheme().equals(scheme)).findFirst().orElseThrow();
    }

    ActiveMQConnectionFactory openWire(String user, String password) {
        URI tcp = connector("tcp");
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(user, password, "tcp://" + tcp.getHost() + ":" + tcp.getPort());
        factory.setWatchTopicAdvisories(false);
        return factory;
    }

    JmsConnectionFactory amqp() {
        URI amqp = connector("amqp");
        return new JmsConnectionFactory("amqp://" + amqp.getHost() + ":" + amqp.getPort() + "?jms.requestTimeout=20000");
    }

    // --- logins ---

    @Test
    void openWireRefusesAnonymousUnknownAndWrongLogins() {
        for (String[] login : List.of(new String[] {null, null}, new String[] {"no-such-user", "wrong-password"},
                new String[] {CLIENT_ID, "wrong-password"}, new String[] {CLIENT_ID, null}, new String[] {CLIENT_ID, ""},
                new String[] {BrokerIdentity.EMBEDDED_USER, "guess"})) {
            assertThatThrownBy(() -> {
                try (Connection c = openWire(login[0], login[1]).createConnection()) {
                    c.start();
                }
            }).as("login %s", login[0]).isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void stompRefusesAnonymousUnknownAndWrongLogins() throws Exception {
        for (String connect : List.of("CONNECT\naccept-version:1.2\nhost:engine\n\n\u0000",
                "CONNECT\naccept-version:1.2\nhost:engine\nlogin:no-such-user\npasscode:wrong-password\n\n\u0000",
                "CONNECT\naccept-version:1.2\nhost:engine\nlogin:" + CLIENT_ID + "\npasscode:wrong-password\n\n\u0000")) {
            StompConnection stomp = new StompConnection();
            URI uri = connector("stomp");
            stomp.open(uri.getHost(), uri.getPort());
            try {
                stomp.sendFrame(connect);
                assertThat(refusalOrAnswer(stomp)).as(connect).isIn("ERROR", CLOSED);
            } finally {
                stomp.close();
            }
        }
    }

    @Test
    void amqpRefusesAnonymousUnknownAndWrongLogins() {
        for (String[] login : List.of(new String[] {null, null}, new String[] {"no-such-user", "wrong-password"},
                new String[] {CLIENT_ID, "wrong-password"})) {
            assertThatThrownBy(() -> {
                try (Connection c = login[0] == null ? amqp().createConnection() : amqp().createConnection(login[0], login[1])) {
                    c.start();
                }
            }).as("login %s", login[0]).isInstanceOf(JMSSecurityException.class);
        }
    }

    // --- destinations ---

    @Test
    void openWireProducerCannotConsumeBrowseSendOrRemoveOutsideItsOwn() throws Exception {
        try (Connection c = openWire(CLIENT_ID, CLIENT_SECRET).createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : ENGINE_QUEUES) {
                assertThatThrownBy(() -> session.createConsumer(session.createQueue(queue)).close()).as("consume %s", queue)
                        .isInstanceOf(JMSSecurityException.class);
                assertThatThrownBy(() -> session.createBrowser(session.createQueue(queue)).getEnumeration().hasMoreElements())
                        .as("browse %s", queue).isInstanceOf(JMSSecurityException.class);
                if (!queue.equals("telephone-encounters.submit")) {
                    assertThatThrownBy(() -> session.createProducer(session.createQueue(queue)).send(session.createTextMessage("{}")))
                            .as("send %s", queue).isInstanceOf(JMSSecurityException.class);
                }
            }
            assertThatThrownBy(() -> session.createProducer(session.createTopic("ActiveMQ.Scheduler.Management"))
                    .send(session.createTextMessage(""))).isInstanceOf(JMSSecurityException.class);
            // ActiveMQ 6.1 alone would let any user remove an existing queue with its messages
            assertThatThrownBy(() -> ((ActiveMQConnection) c).destroyDestination(new ActiveMQQueue("telephone-encounters.requests")))
                    .isInstanceOf(JMSSecurityException.class);
            assertThat(broker.getRegionBroker().getDestinationMap()).containsKey(new ActiveMQQueue("telephone-encounters.requests"));
            // its own queues it may read
            session.createConsumer(session.createQueue("telephone-encounters.submit.rejected." + CLIENT_ID)).close();
            session.createConsumer(session.createQueue("telephone-encounters.submit.replies." + CLIENT_ID)).close();
        }
    }

    @Test
    void stompProducerCannotSubscribeBrowseOrSendOutsideItsOwn() throws Exception {
        URI uri = connector("stomp");
        for (String queue : ENGINE_QUEUES) {
            for (String frame : List.of("SUBSCRIBE\ndestination:/queue/" + queue + "\nid:1\nack:auto\nreceipt:r1\n\n\u0000",
                    "SUBSCRIBE\ndestination:/queue/" + queue + "\nid:1\nack:auto\nbrowser:true\nreceipt:r1\n\n\u0000",
                    "SEND\ndestination:/queue/" + queue + "\nreceipt:r1\n\n{}\u0000")) {
                if (frame.startsWith("SEND") && queue.equals("telephone-encounters.submit")) {
                    continue;
                }
                StompConnection stomp = new StompConnection();
                stomp.open(uri.getHost(), uri.getPort());
                try {
                    // STOMP 1.2: browsing needs 1.1 or later
                    stomp.sendFrame("CONNECT\naccept-version:1.2\nhost:engine\nlogin:" + CLIENT_ID + "\npasscode:" + CLIENT_SECRET + "\n\n\u0000");
                    assertThat(stomp.receive(10_000).getAction()).isEqualTo("CONNECTED");
                    stomp.sendFrame(frame);
                    StompFrame answer = stomp.receive(10_000);
                    assertThat(answer.getAction()).as(frame).isEqualTo("ERROR");
                    assertThat(answer.getBody() + answer.getHeaders()).containsIgnoringCase("not authorized");
                } finally {
                    stomp.close();
                }
            }
        }
    }

    @Test
    void amqpProducerCannotConsumeOrSendOutsideItsOwn() throws Exception {
        try (Connection c = amqp().createConnection(CLIENT_ID, CLIENT_SECRET)) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : ENGINE_QUEUES) {
                assertThatThrownBy(() -> session.createConsumer(session.createQueue(queue)).close()).as("consume %s", queue)
                        .isInstanceOf(JMSSecurityException.class);
                assertThatThrownBy(() -> session.createBrowser(session.createQueue(queue)).getEnumeration().hasMoreElements())
                        .as("browse %s", queue).isInstanceOf(JMSSecurityException.class);
                if (!queue.equals("telephone-encounters.submit")) {
                    assertThatThrownBy(() -> session.createProducer(session.createQueue(queue)).send(session.createTextMessage("{}")))
                            .as("send %s", queue).isInstanceOf(JMSSecurityException.class);
                }
            }
        }
    }

    @Test
    void anotherProducerCannotReadTheFirstsQueuesNorHaveTheEngineAnswerIntoThem() throws Exception {
        String rejectedOfDemo = "telephone-encounters.submit.rejected." + CLIENT_ID;
        String repliesOfDemo = "telephone-encounters.submit.replies." + CLIENT_ID;
        try (Connection c = openWire(OTHER_CLIENT, OTHER_SECRET).createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : List.of(rejectedOfDemo, repliesOfDemo)) {
                assertThatThrownBy(() -> session.createConsumer(session.createQueue(queue)).close()).as(queue)
                        .isInstanceOf(JMSSecurityException.class);
            }
            // a reply-to that is another client's queue is refused, and the refusal goes to the sender's own queue
            String correlation = "corr-" + UUID.randomUUID();
            TextMessage message = session.createTextMessage("{\"patient_mrn\":\"100236\"}");
            message.setJMSReplyTo(session.createQueue(repliesOfDemo));
            message.setJMSCorrelationID(correlation);
            session.createProducer(session.createQueue("telephone-encounters.submit")).send(message);
            try (MessageConsumer own = session.createConsumer(session.createQueue("telephone-encounters.submit.rejected." + OTHER_CLIENT),
                    "JMSCorrelationID = '" + correlation + "'")) {
                Message refused = own.receive(20_000);
                assertThat(refused).isInstanceOf(TextMessage.class);
                JsonNode body = JSON.readTree(((TextMessage) refused).getText());
                assertThat(body.path("error").asText()).isEqualTo("invalid_reply_to");
            }
        }
        // nothing reached the first producer's reply queue
        try (Connection c = openWire(CLIENT_ID, CLIENT_SECRET).createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (MessageConsumer replies = session.createConsumer(session.createQueue(repliesOfDemo))) {
                assertThat(replies.receive(500)).isNull();
            }
        }
    }

    @Test
    void aReplyToAnotherConnectionsTemporaryQueueIsRefusedAndTheRefusalGoesToTheSendersOwnQueue() throws Exception {
        try (Connection a = openWire(CLIENT_ID, CLIENT_SECRET).createConnection();
                Connection b = openWire(OTHER_CLIENT, OTHER_SECRET).createConnection()) {
            a.start();
            b.start();
            Session sessionA = a.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue ofA = sessionA.createTemporaryQueue();
            Session sessionB = b.createSession(false, Session.AUTO_ACKNOWLEDGE);
            String correlation = "temp-" + UUID.randomUUID();
            TextMessage message = sessionB.createTextMessage("""
                    {"patient_mrn":"100236","provider_id":"12241","location_id":"31","assigned_to_id":"12220"}""");
            message.setStringProperty("access_token_reference_id", "demo-clinic");
            message.setJMSReplyTo(ofA);
            message.setJMSCorrelationID(correlation);
            sessionB.createProducer(sessionB.createQueue("telephone-encounters.submit")).send(message);
            try (MessageConsumer own = sessionB.createConsumer(sessionB.createQueue("telephone-encounters.submit.rejected." + OTHER_CLIENT),
                    "JMSCorrelationID = '" + correlation + "'")) {
                Message refused = own.receive(20_000);
                assertThat(refused).isInstanceOf(TextMessage.class);
                assertThat(JSON.readTree(((TextMessage) refused).getText()).path("error").asText()).isEqualTo("invalid_reply_to");
            }
            try (MessageConsumer tempOfA = sessionA.createConsumer(ofA)) {
                assertThat(tempOfA.receive(500)).isNull();
            }
        }
    }

    @Test
    void noOtherConnectionConsumesAProducersTemporaryQueue() throws Exception {
        try (Connection a = openWire(CLIENT_ID, CLIENT_SECRET).createConnection()) {
            a.start();
            Session session = a.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue ofA = session.createTemporaryQueue();
            URI uri = connector("stomp");
            // STOMP names another connection's temporary queue by /remote-temp-queue/; the same client's
            // second connection may not read it either
            for (String[] login : List.of(new String[] {OTHER_CLIENT, OTHER_SECRET}, new String[] {CLIENT_ID, CLIENT_SECRET})) {
                StompConnection stomp = new StompConnection();
                stomp.open(uri.getHost(), uri.getPort());
                try {
                    stomp.sendFrame("CONNECT\naccept-version:1.2\nhost:engine\nlogin:" + login[0] + "\npasscode:" + login[1] + "\n\n\u0000");
                    assertThat(stomp.receive(10_000).getAction()).isEqualTo("CONNECTED");
                    stomp.sendFrame("SUBSCRIBE\ndestination:/remote-temp-queue/" + ofA.getQueueName() + "\nid:1\nack:auto\nreceipt:r1\n\n\u0000");
                    String answer = refusalOrAnswer(stomp);
                    if (answer.equals("RECEIPT")) {
                        session.createProducer(ofA).send(session.createTextMessage("{}"));
                        answer = refusalOrAnswer(stomp);
                    }
                    assertThat(answer).as("%s reads %s", login[0], ofA).isIn("ERROR", CLOSED);
                } finally {
                    stomp.close();
                }
            }
            // its own connection still reads it
            session.createProducer(ofA).send(session.createTextMessage("{}"));
            try (MessageConsumer own = session.createConsumer(ofA)) {
                assertThat(own.receive(10_000)).isNotNull();
            }
        }
    }

    // --- secrets at rest ---

    @Test
    void noClientSecretOrAccessTokenRestsInTheBrokerStore() throws Exception {
        try (Connection c = openWire(CLIENT_ID, CLIENT_SECRET).createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String property : List.of("client_secret", "access_token", "Client-Secret")) {
                TextMessage message = session.createTextMessage(
                        "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}");
                message.setStringProperty("access_token_reference_id", "demo-clinic");
                message.setStringProperty(property, property.contains("ecret") ? CLIENT_SECRET : ACCESS_TOKEN);
                message.setJMSCorrelationID("at-rest-" + property);
                session.createProducer(session.createQueue("telephone-encounters.submit")).send(message);
            }
            try (MessageConsumer own = session.createConsumer(session.createQueue("telephone-encounters.submit.rejected." + CLIENT_ID),
                    "JMSCorrelationID LIKE 'at-rest-%'")) {
                for (int i = 0; i < 3; i++) {
                    Message refused = own.receive(20_000);
                    assertThat(refused).as("refusal %d", i).isInstanceOf(TextMessage.class);
                    assertThat(((TextMessage) refused).getText()).contains("credentials_in_message");
                }
            }
        }
        HashMap<String, String> headers = new HashMap<>();
        headers.put("access_token_reference_id", "demo-clinic");
        headers.put("access_token", ACCESS_TOKEN);
        headers.put("persistent", "true");
        URI uri = connector("stomp");
        StompConnection stomp = new StompConnection();
        stomp.open(uri.getHost(), uri.getPort());
        stomp.connect(CLIENT_ID, CLIENT_SECRET);
        stomp.send("/queue/telephone-encounters.submit", "{\"patient_mrn\":\"100236\"}", null, headers);
        stomp.disconnect();
        try (Connection c = amqp().createConnection(CLIENT_ID, CLIENT_SECRET)) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage message = session.createTextMessage("{\"patient_mrn\":\"100236\"}");
            message.setStringProperty("client_secret", CLIENT_SECRET);
            session.createProducer(session.createQueue("telephone-encounters.submit")).send(message);
        }
        Path store = broker.getDataDirectoryFile().toPath();
        for (String secret : List.of(CLIENT_SECRET, ACCESS_TOKEN)) {
            assertThat(filesHolding(store, secret)).as("broker files holding %s", secret).isEmpty();
        }
    }

    static List<Path> filesHolding(Path dir, String secret) throws IOException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return indexOf(Files.readAllBytes(f), needle) >= 0;
                } catch (IOException e) {
                    return false; // a lock file held by the broker
                }
            }).toList();
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void theByteSearchFindsWhatIsThere() throws Exception {
        Path dir = Files.createTempDirectory("byte-search");
        Files.write(dir.resolve("db-1.log"), ("xx" + CLIENT_SECRET + "yy").getBytes(StandardCharsets.UTF_8));
        assertThat(filesHolding(dir, CLIENT_SECRET)).hasSize(1);
        assertThat(filesHolding(dir, ACCESS_TOKEN)).isEmpty();
    }

    private static final String CLOSED = "connection closed";

    /**
     * The broker's next frame's action, or {@link #CLOSED} when it closed the connection instead:
     * it sends ERROR and closes, and on a busy machine the close (a reset, as the client's frame is
     * still unread there) can reach the client before it reads the frame. Both are a refusal; a
     * CONNECTED, RECEIPT or MESSAGE is not.
     */
    private static String refusalOrAnswer(StompConnection stomp) throws Exception {
        try {
            StompFrame answer = stomp.receive(10_000);
            return answer.getAction();
        } catch (java.io.EOFException | java.net.SocketException closed) {
            return CLOSED;
        }
    }
}
