package org.telenc.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.activemq.ActiveMQSslConnectionFactory;
import org.apache.activemq.broker.BrokerFactory;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.transport.stomp.StompConnection;
import org.apache.activemq.transport.stomp.StompFrame;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production broker (k8s/overlays/prod/activemq.xml) as written, TLS and AMQP included, in a
 * broker process of its own ({@link #main}: ActiveMQ's AMQP transport factory is one per JVM, so it
 * cannot run next to the engines of the other tests). Only the deployment's locations are replaced:
 * the store volume and the TLS mount become directories under target/, the connectors' 0.0.0.0 and
 * fixed ports become 127.0.0.1 and free ports, and the image's jetty.xml is an empty file beside it.
 * The key store is made by the JDK's keytool, the file's placeholders come from the environment as in
 * the pod, and real clients connect over TLS only, trusting that certificate: OpenWire
 * ({@code ssl://}), STOMP over TLS, and AMQP 1.0 ({@code amqps://}, Qpid JMS).
 */
class ProdBrokerTlsTest {

    static final Path PROD_XML = Path.of("k8s/overlays/prod/activemq.xml");
    static final String ENGINE_USER = "engine-" + UUID.randomUUID();
    static final String ENGINE_PASSWORD = "engine-password-" + UUID.randomUUID();
    static final String PRODUCER = "clinic-a-scheduler";
    static final String PRODUCER_PASSWORD = "producer-password-" + UUID.randomUUID();
    static final String KEYSTORE_PASSWORD = "keystore-" + UUID.randomUUID();
    static final String TRUSTSTORE_PASSWORD = "truststore-" + UUID.randomUUID();
    static final String SUBMIT = "telephone-encounters.submit";
    static final String REPLIES = SUBMIT + ".replies." + PRODUCER;
    /** Queues a producer may not read: the engine's, and another producer's reply and rejection queues. */
    static final List<String> NOT_FOR_THE_PRODUCER = List.of(SUBMIT, "telephone-encounters.requests", "DLQ.telephone-encounters.requests",
            SUBMIT + ".replies.clinic-b-scheduler", SUBMIT + ".rejected.clinic-b-scheduler", SUBMIT + ".replies.>");

    static Path run;
    static Path truststore;
    static Process broker;
    static int openWirePort;
    static int stompPort;
    static int amqpPort;

    /** The broker process: arg the xbean file. Runs until killed. */
    public static void main(String[] args) throws Exception {
        BrokerService service = BrokerFactory.createBroker(URI.create("xbean:" + Path.of(args[0]).toUri()), true);
        service.waitUntilStopped();
    }

    @BeforeAll
    static void startTheProductionBrokerWithTls() throws Exception {
        run = Files.createTempDirectory(Files.createDirectories(Path.of("target", "prod-broker-tls")).toAbsolutePath(), "run-");
        Path tls = Files.createDirectories(run.resolve("tls"));
        Path keystore = tls.resolve("broker.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=activemq-0.activemq", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD);
        Path certificate = tls.resolve("broker.crt");
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", KEYSTORE_PASSWORD,
                "-file", certificate.toString());
        truststore = tls.resolve("truststore.p12");
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", TRUSTSTORE_PASSWORD);

        openWirePort = freePort();
        stompPort = freePort();
        amqpPort = freePort();
        Path conf = Files.createDirectories(run.resolve("conf"));
        Path file = conf.resolve("activemq.xml");
        Files.writeString(file, locatedHere(Files.readString(PROD_XML, StandardCharsets.UTF_8), run.resolve("store"), tls),
                StandardCharsets.UTF_8);
        // the image's conf/jetty.xml (the web console, which this test does not run)
        Files.writeString(conf.resolve("jetty.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <beans xmlns="http://www.springframework.org/schema/beans"
                       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd"/>
                """, StandardCharsets.UTF_8);

        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dactivemq.data=" + run.resolve("data"), "-cp", System.getProperty("java.class.path"),
                ProdBrokerTlsTest.class.getName(), file.toString());
        // the placeholders, as the pod's environment has them (activemq.yaml)
        builder.environment().putAll(Map.of("BROKER_USERNAME", ENGINE_USER, "BROKER_PASSWORD", ENGINE_PASSWORD,
                "PRODUCER_CLINIC_A_SCHEDULER_PASSWORD", PRODUCER_PASSWORD, "BROKER_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD));
        Path log = run.resolve("broker.log");
        broker = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await("the broker process's three TLS connectors (its output: " + log + ")").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .failFast("the broker process ended", () -> !broker.isAlive())
                .until(() -> accepts(openWirePort) && accepts(stompPort) && accepts(amqpPort));
    }

    /** The production file with the deployment's locations replaced by this run's; each must be found. */
    static String locatedHere(String xml, Path store, Path tls) {
        xml = all(xml, "/var/lib/activemq-store/", store + "/", 2); // the scheduler and KahaDB directories
        xml = all(xml, "\"file:/etc/activemq/tls/broker.p12\"", "\"" + tls.resolve("broker.p12").toUri() + "\"", 1);
        xml = all(xml, "ssl://0.0.0.0:61616?", "ssl://127.0.0.1:" + openWirePort + "?", 1);
        xml = all(xml, "stomp+ssl://0.0.0.0:61614?", "stomp+ssl://127.0.0.1:" + stompPort + "?", 1);
        xml = all(xml, "amqp+ssl://0.0.0.0:5671?", "amqp+ssl://127.0.0.1:" + amqpPort + "?", 1);
        return xml;
    }

    static String all(String text, String what, String with, int times) {
        assertThat(text.split(Pattern.quote(what), -1)).as("occurrences of %s", what).hasSize(times + 1);
        return text.replace(what, with);
    }

    static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.destroy();
            if (!broker.waitFor(20, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
                broker.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    // --- clients, each over TLS and trusting only the generated certificate ---

    static SSLContext trusting() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(truststore.toFile())) {
            trusted.load(in, TRUSTSTORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    static ActiveMQSslConnectionFactory openWire(String user, String password) throws Exception {
        ActiveMQSslConnectionFactory factory = new ActiveMQSslConnectionFactory("ssl://127.0.0.1:" + openWirePort);
        factory.setTrustStore(truststore.toString());
        factory.setTrustStorePassword(TRUSTSTORE_PASSWORD);
        factory.setTrustStoreType("PKCS12");
        factory.setUserName(user);
        factory.setPassword(password);
        return factory;
    }

    static JmsConnectionFactory amqp(String user, String password) {
        JmsConnectionFactory factory = new JmsConnectionFactory("amqps://127.0.0.1:" + amqpPort + "?transport.trustStoreLocation="
                + truststore + "&transport.trustStorePassword=" + TRUSTSTORE_PASSWORD + "&transport.trustStoreType=PKCS12"
                + "&transport.verifyHost=true");
        factory.setUsername(user);
        factory.setPassword(password);
        return factory;
    }

    /** A STOMP connection over TLS, the host name (127.0.0.1) verified against the certificate. */
    static StompConnection stompOverTls() throws Exception {
        SSLSocket socket = (SSLSocket) trusting().getSocketFactory().createSocket("127.0.0.1", stompPort);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        StompConnection stomp = new StompConnection();
        stomp.open(socket);
        return stomp;
    }

    /** Sends the frames on one connection; the first answer that is neither CONNECTED nor RECEIPT, else the last. */
    static StompFrame stomp(String... frames) throws Exception {
        StompConnection stomp = stompOverTls();
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

    /** The engine answers into the producer's reply queue (as the MQ intake does). */
    static void engineReplies(String correlation) throws Exception {
        try (Connection c = openWire(ENGINE_USER, ENGINE_PASSWORD).createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage reply = session.createTextMessage("{\"success\":true}");
            reply.setJMSCorrelationID(correlation);
            session.createProducer(session.createQueue(REPLIES)).send(reply);
        }
    }

    /** What the engine consumes from telephone-encounters.submit for this correlation id. */
    static Message engineReceives(String correlation) throws Exception {
        try (Connection c = openWire(ENGINE_USER, ENGINE_PASSWORD).createConnection()) {
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
            TextMessage request = session.createTextMessage("{\"patient_mrn\":\"100234\"}");
            request.setJMSCorrelationID(correlation);
            request.setJMSReplyTo(session.createQueue(REPLIES));
            session.createProducer(session.createQueue(SUBMIT)).send(request);
            Message received = engineReceives(correlation);
            assertThat(((TextMessage) received).getText()).isEqualTo("{\"patient_mrn\":\"100234\"}");
            assertThat(received.getStringProperty("JMSXUserID")).as("the broker's stamp of the login").isEqualTo(PRODUCER);

            engineReplies(correlation);
            try (MessageConsumer replies = session.createConsumer(session.createQueue(REPLIES), "JMSCorrelationID = '" + correlation + "'")) {
                Message reply = replies.receive(20_000);
                assertThat(reply).as("%s reply", protocol).isNotNull();
                assertThat(((TextMessage) reply).getText()).isEqualTo("{\"success\":true}");
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
        for (int port : List.of(openWirePort, stompPort, amqpPort)) {
            try (SSLSocket socket = (SSLSocket) trusting().getSocketFactory().createSocket("127.0.0.1", port)) {
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
                new String[] {ENGINE_USER, PRODUCER_PASSWORD})) {
            ActiveMQSslConnectionFactory factory = openWire(login[0], login[1]);
            factory.setWatchTopicAdvisories(false); // start() then only logs in
            refused(factory, "OpenWire login " + login[0], "password is invalid");
        }
        producerSendsReadsItsRepliesAndNothingElse(openWire(PRODUCER, PRODUCER_PASSWORD), "openwire");
    }

    @Test
    void amqpOverTlsLogsInOnlyWithTheRightPassword() throws Exception {
        refused(amqp(null, null), "AMQP SASL ANONYMOUS", "failed to authenticate using SASL: ANONYMOUS");
        refused(amqp("no-such-user", "x"), "AMQP unknown user", "failed to authenticate using SASL: PLAIN");
        refused(amqp(PRODUCER, "wrong"), "AMQP wrong password", "failed to authenticate using SASL: PLAIN");
        producerSendsReadsItsRepliesAndNothingElse(amqp(PRODUCER, PRODUCER_PASSWORD), "amqp");
    }

    @Test
    void stompOverTlsLogsInOnlyWithTheRightPassword() throws Exception {
        for (String connect : List.of(connect(null, null), connect("no-such-user", "x"), connect(PRODUCER, "wrong"))) {
            StompFrame answer = stomp(connect);
            assertThat(answer.getAction()).as(connect).isEqualTo("ERROR");
            assertThat(answer.getBody() + answer.getHeaders()).as(connect).contains("password is invalid");
        }
        String login = connect(PRODUCER, PRODUCER_PASSWORD);
        String correlation = "stomp-" + UUID.randomUUID();
        assertThat(stomp(login, "SEND\ndestination:/queue/" + SUBMIT + "\ncorrelation-id:" + correlation + "\nreply-to:/queue/" + REPLIES
                + "\npersistent:true\nreceipt:r1\n\n{\"patient_mrn\":\"100234\"}\u0000").getAction()).isEqualTo("RECEIPT");
        Message received = engineReceives(correlation);
        assertThat(received.getStringProperty("JMSXUserID")).isEqualTo(PRODUCER);

        engineReplies(correlation);
        StompFrame reply = stomp(login, "SUBSCRIBE\ndestination:/queue/" + REPLIES + "\nid:1\nack:auto\nselector:JMSCorrelationID = '"
                + correlation + "'\n\n\u0000");
        assertThat(reply.getAction()).isEqualTo("MESSAGE");
        assertThat(reply.getBody()).isEqualTo("{\"success\":true}");

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
