package org.telenc.engine.broker;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.apache.activemq.broker.BrokerPlugin;
import org.telenc.engine.config.BrokerConfiguration;
import org.telenc.engine.config.EngineProperties;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.security.AuthenticationUser;
import org.apache.activemq.security.SimpleAuthenticationPlugin;
import org.apache.activemq.store.SharedFileLocker;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;

/**
 * An ActiveMQ Classic broker in a process of its own, as production runs one: persistent (KahaDB),
 * scheduler on (the engine's retries need AMQ_SCHEDULED_DELAY), user and password required.
 * {@link #main} is the broker; the instance methods start, kill and restart that process.
 */
public final class BrokerProcess implements AutoCloseable {

    public static final String USER = "engine";
    public static final String PASSWORD = "broker-secret";

    /**
     * The broker process: args port, data directory. Prints READY when it accepts connections. Two
     * of them on one data directory are a primary/standby pair on a shared store: the one holding
     * KahaDB's file lock is the primary, the other waits for the lock (checking every 500 ms) before
     * it opens the journal, the scheduler store and its connector.
     */
    public static void main(String[] args) throws Exception {
        BrokerService broker = new BrokerService();
        broker.setBrokerName("external");
        broker.setDataDirectoryFile(new File(args[1]));
        KahaDBPersistenceAdapter kahaDb = new KahaDBPersistenceAdapter();
        kahaDb.setDirectory(new File(args[1], "kahadb"));
        SharedFileLocker locker = new SharedFileLocker();
        locker.setLockAcquireSleepInterval(500);
        kahaDb.setLocker(locker);
        broker.setPersistenceAdapter(kahaDb);
        broker.setSchedulerSupport(true);
        broker.setSchedulerDirectoryFile(new File(args[1], "scheduler"));
        broker.setUseJmx(false);
        broker.setAdvisorySupport(false);
        SimpleAuthenticationPlugin authentication = new SimpleAuthenticationPlugin(
                List.of(new AuthenticationUser(USER, PASSWORD, "engine")));
        // broker-side redelivery, as the embedded broker and the prod overlay's activemq.xml have it,
        // with the engine's defaults (engine.broker.redelivery: 10 times, 1 s doubling to 60 s)
        broker.setPlugins(new BrokerPlugin[] {authentication, BrokerConfiguration.redeliveryPlugin(
                new EngineProperties.Broker.Redelivery(10, Duration.ofSeconds(1), Duration.ofSeconds(60)))});
        broker.addConnector("tcp://127.0.0.1:" + args[0]);
        broker.start();
        broker.waitUntilStarted();
        System.out.println("READY");
        System.out.flush();
        broker.waitUntilStopped();
    }

    private final int port;
    private final Path dataDir;
    private Process process;
    private BufferedReader out;

    public BrokerProcess() throws Exception {
        this(Files.createTempDirectory(Path.of("target").toAbsolutePath(), "external-broker"));
        start();
    }

    /** A broker on the given (possibly shared) data directory and a free port; not started yet. */
    public BrokerProcess(Path dataDir) throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        this.dataDir = dataDir;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public void start() throws Exception {
        launch();
        awaitReady();
    }

    /** Starts the process without waiting: a standby stays not ready until the primary's lock is free. */
    public void launch() throws Exception {
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(), String.valueOf(port),
                dataDir.toString()).redirectErrorStream(true).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream()));
    }

    /** Blocks until the launched broker holds the store and accepts connections. */
    public void awaitReady() throws Exception {
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            if (line.equals("READY")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe from filling
                        }
                    } catch (Exception ignored) {
                        // process gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return;
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("broker process ended before it was ready:\n" + seen);
    }

    /** SIGKILL, like a crashed broker pod. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
