package org.telenc.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.activemq.ActiveMQSslConnectionFactory;
import org.apache.activemq.transport.stomp.StompConnection;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * The production broker (k8s/overlays/prod/activemq.xml) as written, TLS and AMQP included, in a
 * broker process of its own ({@link ProdBrokerMain}) on the jars of the ActiveMQ version that the
 * production image runs (not the engine's embedded ActiveMQ; and the AMQP transport factory is one per
 * JVM, so it could not run next to the engines of the other tests anyway). Only the deployment's locations are replaced:
 * the store volume and the TLS mount become directories under target/, the connectors' 0.0.0.0 and
 * fixed ports become 127.0.0.1 and free ports, and the image's jetty.xml is an empty file beside it.
 * The key store is made by the JDK's keytool; the file's placeholders come from the environment, as
 * in the pod. Further producers are added as the file says a producer is added (a copy of the example
 * producer's user and two authorization entries).
 */
public final class ProdBrokerProcess implements AutoCloseable {

    static final Path PROD_XML = Path.of("k8s/overlays/prod/activemq.xml");
    /** The file's example producer. */
    public static final String PRODUCER = "clinic-a-scheduler";

    public final String engineUser = "engine-" + UUID.randomUUID();
    public final String enginePassword = "engine-password-" + UUID.randomUUID();
    /** Broker password by producer (user name = client_id). */
    public final Map<String, String> producerPasswords = new HashMap<>();
    private final String keystorePassword = "keystore-" + UUID.randomUUID();
    public final String truststorePassword = "truststore-" + UUID.randomUUID();
    public final Path run;
    public final Path truststore;
    public final int openWirePort;
    public final int stompPort;
    public final int amqpPort;
    private final Process process;

    /** The production broker's image (activemq.yaml): the tests run its version's jars, not the engine's ActiveMQ. */
    static final Path PROD_STATEFUL_SET = Path.of("k8s/overlays/prod/activemq.yaml");

    /** The version of apache/activemq-classic that the production StatefulSet runs. */
    public static String imageVersion() throws Exception {
        Matcher m = Pattern.compile("image: apache/activemq-classic:(\\S+)").matcher(Files.readString(PROD_STATEFUL_SET));
        assertThat(m.find()).as("the activemq-classic image in %s", PROD_STATEFUL_SET).isTrue();
        return m.group(1);
    }

    /**
     * The production broker's classpath: the jars of the image's ActiveMQ version (pom.xml's
     * prod-broker.version, copied by maven-dependency-plugin before the tests) and {@link ProdBrokerMain}.
     */
    static String brokerClasspath(Path run) throws Exception {
        String version = imageVersion();
        Path lib = Path.of("target", "prod-broker-lib", version).toAbsolutePath();
        assertThat(lib.resolve("activemq-broker-" + version + ".jar"))
                .as("the jars of the image's ActiveMQ %s: pom.xml's prod-broker.version must be the image tag in %s",
                        version, PROD_STATEFUL_SET)
                .isRegularFile();
        Path classes = run.resolve("classes");
        String mainClass = ProdBrokerMain.class.getName().replace('.', '/') + ".class";
        Path copy = classes.resolve(mainClass);
        Files.createDirectories(copy.getParent());
        try (InputStream in = ProdBrokerMain.class.getClassLoader().getResourceAsStream(mainClass)) {
            Files.copy(in, copy);
        }
        return classes + java.io.File.pathSeparator + lib + java.io.File.separator + "*";
    }

    /** Starts the broker with the file's producer and these added ones; returns once its three connectors accept. */
    public ProdBrokerProcess(List<String> addedProducers) throws Exception {
        this(addedProducers, 0);
    }

    /**
     * As {@link #ProdBrokerProcess(List)}, with the file's broker-side redelivery limit (10) replaced
     * by this one when it is above 0, for a test that makes real dead letters in seconds (the engine
     * must be given the same engine.broker.redelivery.maximum-redeliveries, as the file says).
     */
    public ProdBrokerProcess(List<String> addedProducers, int maximumRedeliveries) throws Exception {
        run = Files.createTempDirectory(Files.createDirectories(Path.of("target", "prod-broker-tls")).toAbsolutePath(), "run-");
        Path tls = Files.createDirectories(run.resolve("tls"));
        Path keystore = tls.resolve("broker.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=activemq-0.activemq", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", keystorePassword, "-keypass", keystorePassword);
        Path certificate = tls.resolve("broker.crt");
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", keystorePassword,
                "-file", certificate.toString());
        truststore = tls.resolve("truststore.p12");
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", truststorePassword);

        openWirePort = freePort();
        stompPort = freePort();
        amqpPort = freePort();
        Path conf = Files.createDirectories(run.resolve("conf"));
        Path file = conf.resolve("activemq.xml");
        String xml = locatedHere(Files.readString(PROD_XML, StandardCharsets.UTF_8), run.resolve("store"), tls);
        for (String producer : addedProducers) {
            xml = withProducer(xml, producer);
        }
        if (maximumRedeliveries > 0) {
            xml = all(xml, "maximumRedeliveries=\"10\"", "maximumRedeliveries=\"" + maximumRedeliveries + "\"", 1);
        }
        Files.writeString(file, xml, StandardCharsets.UTF_8);
        // the image's conf/jetty.xml (the web console, which the tests do not run)
        Files.writeString(conf.resolve("jetty.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <beans xmlns="http://www.springframework.org/schema/beans"
                       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd"/>
                """, StandardCharsets.UTF_8);

        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dactivemq.data=" + run.resolve("data"), "-cp", brokerClasspath(run),
                ProdBrokerMain.class.getName(), file.toString());
        // the placeholders, as the pod's environment has them (activemq.yaml)
        Map<String, String> environment = builder.environment();
        environment.putAll(Map.of("BROKER_USERNAME", engineUser, "BROKER_PASSWORD", enginePassword,
                "BROKER_KEYSTORE_PASSWORD", keystorePassword));
        List<String> producers = new ArrayList<>(List.of(PRODUCER));
        producers.addAll(addedProducers);
        for (String producer : producers) {
            String password = "producer-password-" + UUID.randomUUID();
            producerPasswords.put(producer, password);
            environment.put(passwordVariable(producer), password);
        }
        Path log = run.resolve("broker.log");
        process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await("the broker process's three TLS connectors (its output: " + log + ")").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("the broker process ended", () -> !process.isAlive())
                    .until(() -> accepts(openWirePort) && accepts(stompPort) && accepts(amqpPort));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** PRODUCER_CLINIC_A_SCHEDULER_PASSWORD for clinic-a-scheduler, as activemq.yaml names it. */
    static String passwordVariable(String producer) {
        return "PRODUCER_" + producer.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_PASSWORD";
    }

    /** The production file with the deployment's locations replaced by this run's; each must be found. */
    String locatedHere(String xml, Path store, Path tls) {
        xml = all(xml, "/var/lib/activemq-store/", store + "/", 2); // the scheduler and KahaDB directories
        xml = all(xml, "\"file:/etc/activemq/tls/broker.p12\"", "\"" + tls.resolve("broker.p12").toUri() + "\"", 1);
        xml = all(xml, "ssl://0.0.0.0:61616?", "ssl://127.0.0.1:" + openWirePort + "?", 1);
        xml = all(xml, "stomp+ssl://0.0.0.0:61614?", "stomp+ssl://127.0.0.1:" + stompPort + "?", 1);
        xml = all(xml, "amqp+ssl://0.0.0.0:5671?", "amqp+ssl://127.0.0.1:" + amqpPort + "?", 1);
        return xml;
    }

    /** Adds a producer as the file's comment says: a copy of the example's user and two authorization entries. */
    static String withProducer(String xml, String producer) {
        for (String regex : List.of("<authenticationUser username=\"" + PRODUCER + "\"[^>]*/>",
                "<authorizationEntry queue=\"telephone-encounters\\.submit\\.replies\\." + PRODUCER + "\"[^>]*/>",
                "<authorizationEntry queue=\"telephone-encounters\\.submit\\.rejected\\." + PRODUCER + "\"[^>]*/>")) {
            Matcher m = Pattern.compile(regex).matcher(xml);
            assertThat(m.find()).as("%s in the production file", regex).isTrue();
            String copy = m.group().replace(passwordVariable(PRODUCER), passwordVariable(producer)).replace(PRODUCER, producer);
            xml = xml.substring(0, m.end()) + copy + xml.substring(m.end());
        }
        return xml;
    }

    static String all(String text, String what, String with, int times) {
        assertThat(text.split(Pattern.quote(what), -1)).as("occurrences of %s", what).hasSize(times + 1);
        return text.replace(what, with);
    }

    static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as("keytool %s: %s", args[0], output).isZero();
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

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    // --- clients, each over TLS and trusting only the generated certificate ---

    public SSLContext trusting() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(truststore.toFile())) {
            trusted.load(in, truststorePassword.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    public String openWireUrl() {
        return "ssl://127.0.0.1:" + openWirePort;
    }

    public ActiveMQSslConnectionFactory openWire(String user, String password) throws Exception {
        ActiveMQSslConnectionFactory factory = new ActiveMQSslConnectionFactory(openWireUrl());
        factory.setTrustStore(truststore.toString());
        factory.setTrustStorePassword(truststorePassword);
        factory.setTrustStoreType("PKCS12");
        factory.setUserName(user);
        factory.setPassword(password);
        return factory;
    }

    public JmsConnectionFactory amqp(String user, String password) {
        JmsConnectionFactory factory = new JmsConnectionFactory("amqps://127.0.0.1:" + amqpPort + "?transport.trustStoreLocation="
                + truststore + "&transport.trustStorePassword=" + truststorePassword + "&transport.trustStoreType=PKCS12"
                + "&transport.verifyHost=true");
        factory.setUsername(user);
        factory.setPassword(password);
        return factory;
    }

    /** A STOMP connection over TLS, the host name (127.0.0.1) verified against the certificate. */
    public StompConnection stompOverTls() throws Exception {
        SSLSocket socket = (SSLSocket) trusting().getSocketFactory().createSocket("127.0.0.1", stompPort);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        StompConnection stomp = new StompConnection();
        stomp.open(socket);
        return stomp;
    }
}
