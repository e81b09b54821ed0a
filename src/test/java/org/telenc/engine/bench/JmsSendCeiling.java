package org.telenc.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.telenc.engine.broker.BrokerIdentity;
import org.telenc.engine.broker.TemporaryQueueOwners;
import org.telenc.engine.config.BrokerConfiguration;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.encounter.EncounterMessage;
import org.telenc.engine.encounter.IntakeService;
import org.telenc.engine.tenancy.Secrets;

/**
 * Ceiling 1 of the benchmark, run as its own process: how many persistent JMS sends per second the
 * engine's broker store takes, with nothing else in the way. The broker and the client are built by
 * the engine's own {@link BrokerConfiguration} from the engine's default {@link EngineProperties}
 * (embedded ActiveMQ 6, KahaDB and scheduler store in a fresh directory, pooled {@code vm://}
 * connection factory), and the message is the one intake queues for a request
 * ({@link IntakeService#queueMessage}, with its {@code JMSXGroupID}). Two ways of sending:
 * <ul>
 *   <li>{@code camel}: {@code activemq:queue:telephone-encounters.requests} with
 *       {@code deliveryPersistent=true}, InOnly, through Camel's JMS producer: exactly the intake
 *       route's step (a pooled session and producer per send, Spring's JmsTemplate);</li>
 *   <li>{@code raw}: each thread keeps one JMS session and producer and sends PERSISTENT: the
 *       store's own limit without the per-send client overhead.</li>
 * </ul>
 * Nothing consumes the queue (as in the intake phase, where processing is stopped). Every row gets a
 * fresh store, so a row never measures the backlog an earlier row left.
 *
 * <p>Arguments: {@code dataDir threads(csv) warmupSeconds measureSeconds rawWarmupSeconds rawMeasureSeconds}.
 * Prints one line per measurement, {@code CEILING path=camel threads=16 rate=... p50=...}, which
 * {@link Benchmark} reads.
 */
public final class JmsSendCeiling {

    static final String QUEUE = "telephone-encounters.requests";

    private JmsSendCeiling() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        List<Integer> threads = java.util.Arrays.stream(args[1].split(",")).map(Integer::parseInt).toList();
        Duration warmup = Duration.ofSeconds(Long.parseLong(args[2]));
        Duration measure = Duration.ofSeconds(Long.parseLong(args[3]));
        Duration rawWarmup = Duration.ofSeconds(Long.parseLong(args[4]));
        Duration rawMeasure = Duration.ofSeconds(Long.parseLong(args[5]));
        System.out.println("MESSAGE bytes=" + queueMessage(new ObjectMapper(), Secrets.newId(), 1001).length());
        try {
            for (int n : threads) {
                measure(dataDir.resolve("camel-" + n), "camel", n, warmup, measure);
            }
            for (int n : threads) {
                measure(dataDir.resolve("raw-" + n), "raw", n, rawWarmup, rawMeasure);
            }
        } finally {
            BenchEngine.deleteRecursively(dataDir);
        }
        System.exit(0);
    }

    /** One row: a fresh broker store, the sends, the broker stopped and its store deleted. */
    private static void measure(Path store, String path, int threads, Duration warmup, Duration measure) throws Exception {
        BenchEngine.deleteRecursively(store);
        EngineProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "engine.data-dir", store.toString(),
                "engine.broker.tcp-connector", "tcp://127.0.0.1:" + BenchEngine.freePort(),
                "engine.broker.stomp-connector", "", "engine.broker.amqp-connector", "")))
                .bindOrCreate("engine", Bindable.of(EngineProperties.class));
        BrokerConfiguration config = new BrokerConfiguration();
        BrokerIdentity identity = BrokerIdentity.generated();
        // only the engine's own connection logs in here: no producer login is accepted
        BrokerService broker = config.embeddedBroker(properties, "engine", identity, (user, password) -> Optional.empty(),
                new TemporaryQueueOwners());
        broker.start();
        StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("embeddedBroker", broker));
        JmsPoolConnectionFactory pool = config.jmsConnectionFactory(properties, beans.getBeanProvider(BrokerService.class), "", true,
                identity);
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.addComponent("activemq", config.activemq(pool));
        camel.start();
        List<Connection> connections = new ArrayList<>();
        try {
            ProducerTemplate producer = camel.createProducerTemplate();
            String endpoint = "activemq:queue:" + QUEUE + "?deliveryPersistent=true";
            ObjectMapper json = new ObjectMapper();
            String connectionId = Secrets.newId();
            String[] groups = {IntakeService.messageGroup(connectionId, "100234"),
                    IntakeService.messageGroup(connectionId, "100235"), IntakeService.messageGroup(connectionId, "100236")};
            AtomicLong jobIds = new AtomicLong(1001);
            CpuMeter cpu = new CpuMeter(ProcessHandle.current().pid());
            ClosedLoop.Result r;
            if (path.equals("camel")) {
                r = ClosedLoop.run(threads, warmup, measure, worker -> () -> {
                    long job = jobIds.getAndIncrement();
                    producer.sendBodyAndHeader(endpoint, queueMessage(json, Secrets.newId(), job),
                            "JMSXGroupID", groups[(int) (job % groups.length)]);
                    return null;
                }, cpu);
            } else {
                r = ClosedLoop.run(threads, warmup, measure, worker -> {
                    Connection connection = pool.createConnection();
                    connections.add(connection);
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer sender = session.createProducer(session.createQueue(QUEUE));
                    sender.setDeliveryMode(DeliveryMode.PERSISTENT);
                    return () -> {
                        long job = jobIds.getAndIncrement();
                        TextMessage message = session.createTextMessage(queueMessage(json, Secrets.newId(), job));
                        message.setStringProperty("JMSXGroupID", groups[(int) (job % groups.length)]);
                        sender.send(message);
                        return null;
                    };
                }, cpu);
            }
            print(path, r, cpu.usage());
        } finally {
            for (Connection c : connections) {
                c.close();
            }
            camel.stop();
            pool.stop();
            broker.stop();
            BenchEngine.deleteRecursively(store);
        }
    }

    private static void print(String path, ClosedLoop.Result r, CpuMeter.Usage cpu) {
        LatencyStats l = r.latency();
        long[] minMax = r.perSecondMinMax();
        System.out.println(String.format(Locale.ROOT,
                "CEILING path=%s threads=%d rate=%.1f min=%d max=%d p50=%.3f p90=%.3f p99=%.3f errors=%d cpu=%.2f other=%.2f",
                path, r.concurrency(), r.rate(), minMax[0], minMax[1], l.p50Ms(), l.p90Ms(), l.p99Ms(), r.errorCount(),
                cpu.subject(), cpu.other()));
        System.out.flush();
    }

    /** The intake's queue message of a stored request, bound by the same record. */
    static String queueMessage(ObjectMapper json, String telephoneEncounterId, long jobId) throws Exception {
        return json.writeValueAsString(EncounterMessage.first(telephoneEncounterId, jobId));
    }
}
