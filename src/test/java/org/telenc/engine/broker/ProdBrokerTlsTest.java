package org.telenc.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.apache.activemq.ActiveMQSslConnectionFactory;
import org.apache.activemq.transport.stomp.StompConnection;
import org.apache.activemq.transport.stomp.StompFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production broker file as written, TLS and AMQP included, in a broker process of its own
 * ({@link ProdBrokerProcess}), with only the file's example producer. Real clients connect over TLS
 * only, trusting the generated certificate: OpenWire ({@code ssl://}), STOMP over TLS, and AMQP 1.0
 * ({@code amqps://}, Qpid JMS).
 */
class ProdBrokerTlsTest {

    static final String PRODUCER = ProdBrokerProcess.PRODUCER;
    static final String SUBMIT = "telephone-encounters.submit";
    static final String REPLIES = SUBMIT + ".replies." + PRODUCER;
    /** Queues a producer may not read: the engine's, and another producer's reply and rejection queues. */
    static final List<String> NOT_FOR_THE_PRODUCER = List.of(SUBMIT, "telephone-encounters.requests", "DLQ.telephone-encounters.requests",
            SUBMIT + ".replies.clinic-b-scheduler", SUBMIT + ".rejected.clinic-b-scheduler", SUBMIT + ".replies.>");

    static final String REQUEST = """
            {"patient_mrn":"100234"}""";
    static final String REPLY = """
            {"success":true}""";

    static ProdBrokerProcess broker;
    static String producerPassword;

    @BeforeAll
    static void startTheProductionBrokerWithTls() throws Exception {
        broker = new ProdBrokerProcess(List.of());
        producerPassword = broker.producerPasswords.get(PRODUCER);
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    /** Sends the frames on one connection; the first answer that is neither CONNECTED nor RECEIPT, else the last. */
    static StompFrame stomp(String... frames) throws Exception {
        StompConnection stomp = broker.stompOverTls();
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

    static ActiveMQSslConnectionFactory engine() throws Exception {
        return broker.openWire(broker.engineUser, broker.enginePassword);
    }

    /** The engine answers into the producer's reply queue (as the MQ intake does). */
    static void engineReplies(String correlation) throws Exception {
        try (Connection c = engine().createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage reply = session.createTextMessage(REPLY);
            reply.setJMSCorrelationID(correlation);
            session.createProducer(session.createQueue(REPLIES)).send(reply);
        }
    }

    /** What the engine consumes from telephone-encounters.submit for this correlation id. */
    static Message engineReceives(String correlation) throws Exception {
        try (Connection c = engine().createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(SUBMIT), "JMSCorrelationID = '" + correlation + "'")) {
                Message received = consumer.receive(20_000);
                assertThat(received).as("the request %s on %s", correlation, SUBMIT).isNotNull();
                return received;
            }
        }
    }

    /** A JMS producer (OpenWire or AMQP): sends a request, reads its reply queue, and is refused everything else. */
    static void producerSendsReadsItsRepliesAndNothingElse(ConnectionFactory factory, String protocol) throws Exception {
        String correlation = protocol + "-" + UUID.randomUUID();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage request = session.createTextMessage(REQUEST);
            request.setJMSCorrelationID(correlation);
            request.setJMSReplyTo(session.createQueue(REPLIES));
            session.createProducer(session.createQueue(SUBMIT)).send(request);
            Message received = engineReceives(correlation);
            assertThat(((TextMessage) received).getText()).isEqualTo(REQUEST);
            assertThat(received.getStringProperty("JMSXUserID")).as("the broker's stamp of the login").isEqualTo(PRODUCER);

            engineReplies(correlation);
            try (MessageConsumer replies = session.createConsumer(session.createQueue(REPLIES), "JMSCorrelationID = '" + correlation + "'")) {
                Message reply = replies.receive(20_000);
                assertThat(reply).as("%s reply", protocol).isNotNull();
                assertThat(((TextMessage) reply).getText()).isEqualTo(REPLY);
            }
            for (String queue : NOT_FOR_THE_PRODUCER) {
                assertThatThrownBy(() -> session.createConsumer(session.createQueue(queue)).close()).as("%s consume %s", protocol, queue)
                        .isInstanceOf(JMSSecurityException.class);
            }
            assertThatThrownBy(() -> session.createProducer(session.createQueue(REPLIES)).send(session.createTextMessage("{}")))
                    .as("%s send to its reply queue", protocol).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(session::createTemporaryQueue).as("%s temporary queue", protocol).isInstanceOf(JMSSecurityException.class);
        }
    }

    static void refused(ConnectionFactory factory, String what, String message) {
        assertThatThrownBy(() -> {
            try (Connection c = factory.createConnection()) {
                c.start();
            }
        }).as(what).isInstanceOf(JMSSecurityException.class).hasMessageContaining(message);
    }

    // --- the tests ---

    @Test
    void everyConnectorSpeaksTlsWithTheMountedCertificateOnly() throws Exception {
        for (int port : List.of(broker.openWirePort, broker.stompPort, broker.amqpPort)) {
            try (SSLSocket socket = (SSLSocket) broker.trusting().getSocketFactory().createSocket("127.0.0.1", port)) {
                socket.startHandshake();
                X509Certificate certificate = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=activemq-0.activemq");
            }
            // a client that does not trust that certificate (the JDK's CAs only) gets no connection
            SSLContext defaults = SSLContext.getInstance("TLS");
            defaults.init(null, null, null);
            assertThatThrownBy(() -> {
                try (SSLSocket socket = (SSLSocket) defaults.getSocketFactory().createSocket("127.0.0.1", port)) {
                    socket.startHandshake();
                }
            }).as("port %d", port).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void openWireOverTlsLogsInOnlyWithTheRightPassword() throws Exception {
        for (String[] login : List.of(new String[] {null, null}, new String[] {"no-such-user", "x"}, new String[] {PRODUCER, "wrong"},
                new String[] {broker.engineUser, producerPassword})) {
            ActiveMQSslConnectionFactory factory = broker.openWire(login[0], login[1]);
            factory.setWatchTopicAdvisories(false); // start() then only logs in
            refused(factory, "OpenWire login " + login[0], "password is invalid");
        }
        producerSendsReadsItsRepliesAndNothingElse(broker.openWire(PRODUCER, producerPassword), "openwire");
    }

    @Test
    void amqpOverTlsLogsInOnlyWithTheRightPassword() throws Exception {
        refused(broker.amqp(null, null), "AMQP SASL ANONYMOUS", "failed to authenticate using SASL: ANONYMOUS");
        refused(broker.amqp("no-such-user", "x"), "AMQP unknown user", "failed to authenticate using SASL: PLAIN");
        refused(broker.amqp(PRODUCER, "wrong"), "AMQP wrong password", "failed to authenticate using SASL: PLAIN");
        producerSendsReadsItsRepliesAndNothingElse(broker.amqp(PRODUCER, producerPassword), "amqp");
    }

    @Test
    void stompOverTlsLogsInOnlyWithTheRightPassword() throws Exception {
        for (String connect : List.of(connect(null, null), connect("no-such-user", "x"), connect(PRODUCER, "wrong"))) {
            StompFrame answer = stomp(connect);
            assertThat(answer.getAction()).as(connect).isEqualTo("ERROR");
            assertThat(answer.getBody() + answer.getHeaders()).as(connect).contains("password is invalid");
        }
        String login = connect(PRODUCER, producerPassword);
        String correlation = "stomp-" + UUID.randomUUID();
        assertThat(stomp(login, "SEND\ndestination:/queue/" + SUBMIT + "\ncorrelation-id:" + correlation + "\nreply-to:/queue/" + REPLIES
                + "\npersistent:true\nreceipt:r1\n\n" + REQUEST + "\u0000").getAction()).isEqualTo("RECEIPT");
        Message received = engineReceives(correlation);
        assertThat(received.getStringProperty("JMSXUserID")).isEqualTo(PRODUCER);

        engineReplies(correlation);
        StompFrame reply = stomp(login, "SUBSCRIBE\ndestination:/queue/" + REPLIES + "\nid:1\nack:auto\nselector:JMSCorrelationID = '"
                + correlation + "'\n\n\u0000");
        assertThat(reply.getAction()).isEqualTo("MESSAGE");
        assertThat(reply.getBody()).isEqualTo(REPLY);

        for (String queue : NOT_FOR_THE_PRODUCER) {
            for (String browser : List.of("", "browser:true\n")) {
                StompFrame answer = stomp(login, "SUBSCRIBE\ndestination:/queue/" + queue + "\nid:1\nack:auto\n" + browser + "receipt:r1\n\n\u0000");
                assertThat(answer.getAction()).as("subscribe %s %s", queue, browser).isEqualTo("ERROR");
                assertThat(answer.getBody() + answer.getHeaders()).containsIgnoringCase("not authorized");
            }
        }
        StompFrame temporary = stomp(login, "SUBSCRIBE\ndestination:/temp-queue/te-replies\nid:1\nack:auto\nreceipt:r1\n\n\u0000");
        assertThat(temporary.getAction()).isEqualTo("ERROR");
    }
}
