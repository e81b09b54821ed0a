package org.telenc.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerFactory;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.TransportConnector;
import org.apache.activemq.transport.stomp.StompConnection;
import org.apache.activemq.transport.stomp.StompFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production broker configuration (k8s/overlays/prod/activemq.xml), loaded as it is into a real
 * ActiveMQ Classic broker: only what cannot run in a test JVM is rewritten before loading (the store
 * directories to target/, the TLS connectors to plain ones on 127.0.0.1 with free ports, the TLS
 * context, the web console import), and the placeholders come from system properties; the AMQP connector is left out. A
 * second producer, {@value #OTHER}, is added as the file says a producer is added: its user and its two
 * authorization entries, copied from {@value #PRODUCER}'s. Real OpenWire and STOMP clients then check
 * the logins and the destination rights the file declares. {@link ProdBrokerTlsTest} runs the file
 * with its TLS and AMQP connectors in a broker process of its own.
 */
class ProdBrokerConfigTest {

    static final Path PROD_XML = Path.of("k8s/overlays/prod/activemq.xml");
    static final String ENGINE_USER = "engine-" + UUID.randomUUID();
    static final String ENGINE_PASSWORD = "engine-password-" + UUID.randomUUID();
    static final String PRODUCER = "clinic-a-scheduler";
    static final String PRODUCER_PASSWORD = "producer-password-" + UUID.randomUUID();
    static final String OTHER = "clinic-b-scheduler";
    static final String OTHER_PASSWORD = "other-password-" + UUID.randomUUID();
    static final Map<String, String> PLACEHOLDERS = Map.of("BROKER_USERNAME", ENGINE_USER, "BROKER_PASSWORD", ENGINE_PASSWORD,
            "PRODUCER_CLINIC_A_SCHEDULER_PASSWORD", PRODUCER_PASSWORD, "PRODUCER_CLINIC_B_SCHEDULER_PASSWORD", OTHER_PASSWORD,
            "BROKER_KEYSTORE_PASSWORD", "unused-no-tls-here");
    /** What the producer may not read: the engine's queues, another producer's, a wildcard over all producers'. */
    static final List<String> NOT_FOR_THE_PRODUCER = List.of("telephone-encounters.submit", "telephone-encounters.requests",
            "DLQ.telephone-encounters.requests", "DLQ.telephone-encounters.submit", "webhooks.deliver",
            "telephone-encounters.submit.replies.clinic-b-scheduler", "telephone-encounters.submit.rejected.clinic-b-scheduler",
            "telephone-encounters.submit.rejected.>", "telephone-encounters.submit.replies.>", "telephone-encounters.>", ">");

    static BrokerService broker;

    @BeforeAll
    static void loadTheProductionFile() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "prod-broker")).toAbsolutePath();
        Path run = Files.createTempDirectory(dir, "run-");
        System.setProperty("activemq.data", run.resolve("data").toString());
        PLACEHOLDERS.forEach(System::setProperty);
        String xml = runnableHere(Files.readString(PROD_XML, StandardCharsets.UTF_8), run);
        Path file = run.resolve("activemq.xml");
        Files.writeString(file, xml, StandardCharsets.UTF_8);
        broker = BrokerFactory.createBroker(URI.create("xbean:" + file.toUri()), true);
        broker.waitUntilStarted();
    }

    /** The production file with only the parts a test JVM cannot run replaced; each must be found. */
    static String runnableHere(String xml, Path run) {
        xml = once(xml, "schedulerDirectory=\"/var/lib/activemq-store/scheduler\"",
                "schedulerDirectory=\"" + run.resolve("scheduler") + "\"");
        xml = once(xml, "directory=\"/var/lib/activemq-store/kahadb\"", "directory=\"" + run.resolve("kahadb") + "\"");
        xml = onceRegex(xml, "(?s)<sslContext>.*?</sslContext>", "");
        xml = onceRegex(xml, "uri=\"ssl://0\\.0\\.0\\.0:61616\\?", "uri=\"tcp://127.0.0.1:0?");
        xml = onceRegex(xml, "uri=\"stomp\\+ssl://0\\.0\\.0\\.0:61614\\?", "uri=\"stomp://127.0.0.1:0?");
        // the AMQP connector is left out: ActiveMQ's AMQP transport factory is one per JVM and keeps the
        // last broker that made a connector, so a second broker's, once stopped, would leave the shared
        // engine's AMQP connector of the other tests answering "broker stopped". The rights below are
        // the broker's, whatever the protocol; AMQP logins and rights are tested on the embedded broker
        xml = onceRegex(xml, "<transportConnector name=\"amqp\" uri=\"amqp\\+ssl://0\\.0\\.0\\.0:5671\\?[^\"]*\"/>", "");
        xml = once(xml, "<import resource=\"jetty.xml\"/>", "");
        return withSecondProducer(xml);
    }

    /**
     * Adds {@value #OTHER} as the file's comment says a producer is added: a copy of {@value #PRODUCER}'s
     * user (its own password placeholder) and of its two authorization entries, next to the originals.
     */
    static String withSecondProducer(String xml) {
        return ProdBrokerProcess.withProducer(xml, OTHER);
    }

    static String once(String text, String what, String with) {
        assertThat(text.split(Pattern.quote(what), -1)).as("occurrences of %s", what).hasSize(2);
        return text.replace(what, with);
    }

    static String onceRegex(String text, String regex, String with) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.results().count()).as("matches of %s", regex).isEqualTo(1);
        return Pattern.compile(regex).matcher(text).replaceFirst(Matcher.quoteReplacement(with));
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.stop();
            broker.waitUntilStopped();
        }
        PLACEHOLDERS.keySet().forEach(System::clearProperty);
        System.clearProperty("activemq.data");
    }

    static URI connector(String name) throws Exception {
        TransportConnector connector = broker.getConnectorByName(name);
        return connector.getConnectUri();
    }

    static ActiveMQConnectionFactory openWire(String user, String password) throws Exception {
        URI uri = connector("openwire");
        return new ActiveMQConnectionFactory(user, password, "tcp://127.0.0.1:" + uri.getPort());
    }


    static StompFrame stomp(String... frames) throws Exception {
        StompConnection stomp = new StompConnection();
        stomp.open("127.0.0.1", connector("stomp").getPort());
        try {
            StompFrame answer = null;
            for (String frame : frames) {
                stomp.sendFrame(frame);
                answer = stomp.receive(10_000);
                if (!answer.getAction().equals("CONNECTED") && !answer.getAction().equals("RECEIPT")) {
                    return answer;
                }
            }
            return answer;
        } finally {
            stomp.close();
        }
    }

    static String connect(String login, String passcode) {
        return login == null ? "CONNECT\naccept-version:1.2\nhost:activemq\n\n\u0000"
                : "CONNECT\naccept-version:1.2\nhost:activemq\nlogin:" + login + "\npasscode:" + passcode + "\n\n\u0000";
    }

    @Test
    void theBrokerRunsTheFileWithItsConnectorsAndItsStores() throws Exception {
        assertThat(broker.isStarted()).isTrue();
        assertThat(broker.isPopulateJMSXUserID()).isTrue();
        assertThat(broker.isSchedulerSupport()).isTrue();
        for (String name : List.of("openwire", "stomp")) {
            assertThat(connector(name).getPort()).as(name).isPositive();
        }
    }

    // --- logins ---

    @Test
    void openWireRefusesAnonymousUnknownAndWrongLogins() throws Exception {
        for (String[] login : List.of(new String[] {null, null}, new String[] {"no-such-user", "x"}, new String[] {ENGINE_USER, "wrong"},
                new String[] {PRODUCER, "wrong"}, new String[] {PRODUCER, ""}, new String[] {PRODUCER, ENGINE_PASSWORD})) {
            // no advisory consumer: start() only logs in, and nothing but the login can be refused
            ActiveMQConnectionFactory factory = openWire(login[0], login[1]);
            factory.setWatchTopicAdvisories(false);
            Throwable refused = catchThrowable(() -> {
                try (Connection c = factory.createConnection()) {
                    c.start();
                }
            });
            // the broker answers the refusal and closes the connection: the client reports whichever
            // it sees first, the security exception or the transport disposed after it
            assertThat(refused).as("login %s", login[0]).isInstanceOf(JMSException.class);
            if (!(refused instanceof JMSSecurityException)) {
                assertThat(refused).as("login %s", login[0]).hasMessageContaining("Disposed due to prior exception");
            } else {
                assertThat(refused).as("login %s", login[0]).hasMessageContaining("password is invalid");
            }
        }
        // the same broker takes the producer's own login (the refusals above are refusals, not an absent broker)
        ActiveMQConnectionFactory own = openWire(PRODUCER, PRODUCER_PASSWORD);
        own.setWatchTopicAdvisories(false);
        try (Connection c = own.createConnection()) {
            c.start();
        }
    }

    @Test
    void stompRefusesAnonymousUnknownAndWrongLogins() throws Exception {
        for (String connect : List.of(connect(null, null), connect("no-such-user", "x"), connect(ENGINE_USER, "wrong"),
                connect(PRODUCER, "wrong"))) {
            assertThat(stomp(connect).getAction()).as(connect).isEqualTo("ERROR");
        }
        assertThat(stomp(connect(PRODUCER, PRODUCER_PASSWORD)).getAction()).isEqualTo("CONNECTED");
    }

    // --- destinations ---

    @Test
    void theEngineConsumesItsQueuesAndTheDeadLetters() throws Exception {
        try (Connection c = openWire(ENGINE_USER, ENGINE_PASSWORD).createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : List.of("telephone-encounters.submit", "telephone-encounters.requests",
                    "DLQ.telephone-encounters.requests", "webhooks.deliver")) {
                session.createConsumer(session.createQueue(queue)).close();
                session.createProducer(session.createQueue(queue)); // may write too
            }
        }
    }

    /** The console's dead-letter page: browse each DLQ (making one not there yet), and re-drive or discard one by its id. */
    @Test
    void theEngineBrowsesRedrivesAndDiscardsDeadLetters() throws Exception {
        try (Connection c = openWire(ENGINE_USER, ENGINE_PASSWORD).createConnection()) {
            c.start();
            Session session = c.createSession(true, Session.SESSION_TRANSACTED);
            for (String queue : org.telenc.engine.console.DeadLetters.queues()) {
                String dlq = queue + "." + UUID.randomUUID(); // made by the browse
                session.createBrowser(session.createQueue(dlq)).getEnumeration().hasMoreElements();
                session.createProducer(session.createQueue(dlq)).send(session.createTextMessage("{}"));
                session.commit();
                String id = ((Message) session.createBrowser(session.createQueue(dlq)).getEnumeration().nextElement())
                        .getJMSMessageID();
                Message taken = session.createConsumer(session.createQueue(dlq), "JMSMessageID = '" + id + "'").receive(10_000);
                assertThat(taken).as("the letter on %s", dlq).isNotNull();
                session.createProducer(session.createQueue(dlq.substring(4))).send(taken);
                session.commit();
            }
        }
    }

    @Test
    void openWireProducerSendsRequestsAndReadsOnlyItsOwnQueues() throws Exception {
        try (Connection c = openWire(PRODUCER, PRODUCER_PASSWORD).createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue("telephone-encounters.submit")).send(session.createTextMessage("{}"));
            session.createConsumer(session.createQueue("telephone-encounters.submit.replies." + PRODUCER)).close();
            session.createConsumer(session.createQueue("telephone-encounters.submit.rejected." + PRODUCER)).close();
            for (String queue : NOT_FOR_THE_PRODUCER) {
                assertThatThrownBy(() -> session.createConsumer(session.createQueue(queue)).close()).as("consume %s", queue)
                        .isInstanceOf(JMSSecurityException.class);
                assertThatThrownBy(() -> session.createBrowser(session.createQueue(queue)).getEnumeration().hasMoreElements())
                        .as("browse %s", queue).isInstanceOf(JMSSecurityException.class);
            }
            for (String queue : List.of("telephone-encounters.requests", "DLQ.telephone-encounters.requests",
                    "telephone-encounters.submit.replies." + PRODUCER, "telephone-encounters.submit.rejected." + PRODUCER)) {
                assertThatThrownBy(() -> session.createProducer(session.createQueue(queue)).send(session.createTextMessage("{}")))
                        .as("send %s", queue).isInstanceOf(JMSSecurityException.class);
            }
        }
    }

    /**
     * This broker cannot tell whose a temporary queue is, so producers get none: they cannot create
     * one, nor read, browse or write one whose name they know (here the engine's); they name their
     * telephone-encounters.submit.replies.<client_id> as reply-to instead. (The OpenWire client itself
     * refuses to consume another connection's temporary queue, so the broker's refusal of that is
     * shown over STOMP, whose /remote-temp-queue/ names any connection's.)
     */
    @Test
    void aProducerGetsNoTemporaryQueue() throws Exception {
        try (Connection engine = openWire(ENGINE_USER, ENGINE_PASSWORD).createConnection();
                Connection producer = openWire(PRODUCER, PRODUCER_PASSWORD).createConnection()) {
            engine.start();
            producer.start();
            TemporaryQueue enginesOwn = engine.createSession(false, Session.AUTO_ACKNOWLEDGE).createTemporaryQueue();
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(session::createTemporaryQueue).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(session::createTemporaryTopic).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> session.createProducer(enginesOwn).send(session.createTextMessage("{}"))).as("send")
                    .isInstanceOf(JMSSecurityException.class);

            String login = connect(PRODUCER, PRODUCER_PASSWORD);
            String remote = "/remote-temp-queue/" + enginesOwn.getQueueName();
            for (String frame : List.of("SUBSCRIBE\ndestination:/temp-queue/te-replies\nid:1\nack:auto\nreceipt:r1\n\n\u0000",
                    "SEND\ndestination:/temp-queue/te-replies\nreceipt:r1\n\n{}\u0000",
                    "SUBSCRIBE\ndestination:" + remote + "\nid:1\nack:auto\nreceipt:r1\n\n\u0000",
                    "SUBSCRIBE\ndestination:" + remote + "\nid:1\nack:auto\nbrowser:true\nreceipt:r1\n\n\u0000",
                    "SEND\ndestination:" + remote + "\nreceipt:r1\n\n{}\u0000")) {
                StompFrame answer = stomp(login, frame);
                assertThat(answer.getAction()).as(frame).isEqualTo("ERROR");
                assertThat(answer.getBody() + answer.getHeaders()).as(frame).containsIgnoringCase("not authorized");
            }
            // the engine itself still may
            assertThat(stomp(connect(ENGINE_USER, ENGINE_PASSWORD), "SEND\ndestination:" + remote + "\nreceipt:r1\n\n{}\u0000")
                    .getAction()).isEqualTo("RECEIPT");
        }
    }

    /** Each producer reads and browses its own queues and not the other's, whichever of the two it is. */
    @Test
    void eachProducerReadsOnlyItsOwnReplyAndRejectionQueues() throws Exception {
        for (String[] pair : List.of(new String[] {PRODUCER, PRODUCER_PASSWORD, OTHER}, new String[] {OTHER, OTHER_PASSWORD, PRODUCER})) {
            try (Connection c = openWire(pair[0], pair[1]).createConnection()) {
                c.start();
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                for (String kind : List.of("replies.", "rejected.")) {
                    String own = "telephone-encounters.submit." + kind + pair[0];
                    String others = "telephone-encounters.submit." + kind + pair[2];
                    session.createConsumer(session.createQueue(own)).close();
                    session.createBrowser(session.createQueue(own)).getEnumeration().hasMoreElements();
                    assertThatThrownBy(() -> session.createConsumer(session.createQueue(others)).close())
                            .as("%s consumes %s", pair[0], others).isInstanceOf(JMSSecurityException.class);
                    assertThatThrownBy(() -> session.createBrowser(session.createQueue(others)).getEnumeration().hasMoreElements())
                            .as("%s browses %s", pair[0], others).isInstanceOf(JMSSecurityException.class);
                }
            }
            String login = connect(pair[0], pair[1]);
            for (String kind : List.of("replies.", "rejected.")) {
                String own = "/queue/telephone-encounters.submit." + kind + pair[0];
                String others = "/queue/telephone-encounters.submit." + kind + pair[2];
                for (String browser : List.of("", "browser:true\n")) {
                    assertThat(stomp(login, "SUBSCRIBE\ndestination:" + own + "\nid:1\nack:auto\n" + browser + "receipt:r1\n\n\u0000")
                            .getAction()).as("%s %s %s", pair[0], own, browser).isEqualTo("RECEIPT");
                    StompFrame answer = stomp(login, "SUBSCRIBE\ndestination:" + others + "\nid:1\nack:auto\n" + browser
                            + "receipt:r1\n\n\u0000");
                    assertThat(answer.getAction()).as("%s %s %s", pair[0], others, browser).isEqualTo("ERROR");
                    assertThat(answer.getBody() + answer.getHeaders()).containsIgnoringCase("not authorized");
                }
            }
        }
    }

    @Test
    void stompProducerSendsRequestsAndReadsOnlyItsOwnQueues() throws Exception {
        String login = connect(PRODUCER, PRODUCER_PASSWORD);
        assertThat(stomp(login, "SEND\ndestination:/queue/telephone-encounters.submit\nreceipt:r1\n\n{}\u0000").getAction())
                .isEqualTo("RECEIPT");
        assertThat(stomp(login, "SUBSCRIBE\ndestination:/queue/telephone-encounters.submit.rejected." + PRODUCER
                + "\nid:1\nack:auto\nreceipt:r1\n\n\u0000").getAction()).isEqualTo("RECEIPT");
        for (String queue : NOT_FOR_THE_PRODUCER) {
            StompFrame answer = stomp(login, "SUBSCRIBE\ndestination:/queue/" + queue + "\nid:1\nack:auto\nreceipt:r1\n\n\u0000");
            assertThat(answer.getAction()).as("subscribe %s", queue).isEqualTo("ERROR");
            assertThat(answer.getBody() + answer.getHeaders()).containsIgnoringCase("not authorized");
        }
    }

    @Test
    void theEngineReadsTheProducersLoginAsJmsxUserIdWhateverTheProducerWrote() throws Exception {
        String correlation = "who-" + UUID.randomUUID();
        try (Connection c = openWire(PRODUCER, PRODUCER_PASSWORD).createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage message = session.createTextMessage("{}");
            message.setJMSCorrelationID(correlation);
            message.setStringProperty("JMSXUserID", "forged-client");
            session.createProducer(session.createQueue("telephone-encounters.submit")).send(message);
        }
        try (Connection c = openWire(ENGINE_USER, ENGINE_PASSWORD).createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (MessageConsumer consumer = session.createConsumer(session.createQueue("telephone-encounters.submit"),
                    "JMSCorrelationID = '" + correlation + "'")) {
                Message received = consumer.receive(20_000);
                assertThat(received).isNotNull();
                assertThat(received.getStringProperty("JMSXUserID")).isEqualTo(PRODUCER);
            }
        }
    }
}
