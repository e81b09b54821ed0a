package org.telenc.engine.config;

import jakarta.jms.ConnectionFactory;
import java.io.File;
import java.util.List;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQSslConnectionFactory;
import org.apache.activemq.RedeliveryPolicy;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.region.policy.RedeliveryPolicyMap;
import org.apache.activemq.broker.util.RedeliveryPlugin;
import org.apache.activemq.broker.region.policy.IndividualDeadLetterStrategy;
import org.apache.activemq.broker.region.policy.PolicyEntry;
import org.apache.activemq.broker.region.policy.PolicyMap;
import org.apache.activemq.store.SharedFileLocker;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.camel.component.activemq6.ActiveMQComponent;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;
import org.telenc.engine.broker.BrokerIdentity;
import org.telenc.engine.broker.BrokerSecurity;
import org.telenc.engine.broker.TemporaryQueueOwners;
import org.telenc.engine.broker.ProducerLogins;

/**
 * ActiveMQ Classic 6: an embedded persistent broker (KahaDB and the scheduler store under the data
 * directory, OpenWire, STOMP and AMQP 1.0 connectors on localhost for MQ producers) unless {@code engine.broker.embedded}
 * is false, and the {@code activemq} Camel component on a pooled connection factory.
 *
 * <p>Every connection to the embedded broker logs in ({@link BrokerSecurity}): producers as their
 * client, the engine as {@link BrokerIdentity}, made anew at every start. The broker stamps each
 * message with its sender's login (JMSXUserID), which is how the MQ intake knows the client.
 */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

    /**
     * How long a commit right after a failover waits for the new broker to replay its messages:
     * 4 s. ActiveMQ's client (6.1.8, and its main branch) sleeps a quarter of the configured period
     * once and then leaves its wait loop, whose condition tests for an expired deadline instead of a
     * live one; so the period is configured four times over, and the one sleep is the 4 s meant.
     */
    static final long FAILOVER_REDELIVERY_WAIT_MILLIS = 4 * 4000;
    /** The least delay ActiveMQ's redelivery plugin takes. */
    static final long MINIMUM_REDELIVERY_DELAY_MILLIS = 1000;

    @Bean(initMethod = "start", destroyMethod = "stop")
    @ConditionalOnProperty(name = "engine.broker.embedded", havingValue = "true", matchIfMissing = true)
    public BrokerService embeddedBroker(EngineProperties properties,
            @Value("${engine.broker.name:engine}") String name, BrokerIdentity engineBrokerIdentity,
            ProducerLogins producerLogins, TemporaryQueueOwners temporaryQueueOwners) throws Exception {
        File dir = new File(properties.dataDir(), "activemq");
        BrokerService broker = new BrokerService();
        // the vm:// name (engine.broker.url is vm://<name>?create=false); two engines in one JVM need two names
        broker.setBrokerName(name);
        broker.setPersistent(true);
        broker.setDataDirectoryFile(dir);
        KahaDBPersistenceAdapter kahaDb = new KahaDBPersistenceAdapter();
        kahaDb.setDirectory(new File(dir, "kahadb"));
        // one engine per data directory: a second one fails at start-up, naming the lock, instead of
        // waiting for it for ever as a standby broker would
        SharedFileLocker locker = new SharedFileLocker();
        locker.setFailIfLocked(true);
        kahaDb.setLocker(locker);
        broker.setPersistenceAdapter(kahaDb);
        broker.setSchedulerSupport(true);
        broker.setSchedulerDirectoryFile(new File(dir, "scheduler"));
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false);
        broker.setAdvisorySupport(false);
        broker.setDestinationPolicy(deadLetterPerQueue());
        // broker-side redelivery; then every connection logs in and every destination is authorized
        // (the last plugin is the outermost); JMSXUserID is the sender's login whatever the message says
        broker.setPlugins(new BrokerPlugin[] {redeliveryPlugin(properties.broker().redelivery()),
                new BrokerSecurity(engineBrokerIdentity, producerLogins, temporaryQueueOwners)});
        broker.setPopulateJMSXUserID(true);
        // MQ producers: OpenWire (Java), STOMP (Python, Node, .NET...) and AMQP 1.0; an empty URL is none
        for (String connector : List.of(properties.broker().tcpConnector(), properties.broker().stompConnector(),
                properties.broker().amqpConnector())) {
            if (StringUtils.hasText(connector)) {
                broker.addConnector(withJmsMapping(connector));
            }
        }
        return broker;
    }

    /**
     * AMQP connectors map messages to JMS ({@code transport.transformer=jms}) unless the URL says
     * otherwise: ActiveMQ's default keeps the encoded AMQP message as an opaque BytesMessage, and the
     * intake would see neither the JSON body nor the application properties as JMS properties.
     */
    static String withJmsMapping(String connector) {
        if (!connector.startsWith("amqp") || connector.contains("transport.transformer=")) {
            return connector;
        }
        return connector + (connector.contains("?") ? "&" : "?") + "transport.transformer=jms";
    }

    /**
     * Broker-side redelivery: a message whose consumer rolled it back is handed to the broker at
     * once (the consumer keeps no redeliveries of its own, see {@link #jmsConnectionFactory}) and
     * the broker schedules it again in its persistent scheduler store, {@code initial-delay}
     * doubling up to {@code maximum-delay}, {@code maximum-redeliveries} times, then dead-letters
     * it. The delay so holds whatever the consumer does next: a transacted consumer closed after its
     * rollback, another consumer or replica, an engine restart. (A client-side delay only holds while
     * the same consumer keeps the message: a closed one hands it straight back to the broker, which
     * redelivers it at once.) The job-faults route configurations end a job on its last delivery.
     */
    public static RedeliveryPlugin redeliveryPlugin(EngineProperties.Broker.Redelivery settings) {
        if (settings.initialDelay().toMillis() < MINIMUM_REDELIVERY_DELAY_MILLIS) {
            // the broker hands a message to its redelivery before the consumer's ack removed it
            throw new IllegalArgumentException("engine.broker.redelivery.initial-delay must be at least 1s, not "
                    + settings.initialDelay());
        }
        RedeliveryPlugin plugin = new RedeliveryPlugin();
        RedeliveryPolicyMap policies = new RedeliveryPolicyMap();
        policies.setDefaultEntry(redeliveryPolicy(settings));
        plugin.setRedeliveryPolicyMap(policies);
        plugin.setFallbackToDeadLetter(true);
        plugin.setSendToDlqIfMaxRetriesExceeded(true);
        return plugin;
    }

    /** 1 s doubling to 60 s by default: the n-th redelivery waits initial x 2^(n-1), at most the maximum. */
    static org.apache.activemq.RedeliveryPolicy redeliveryPolicy(EngineProperties.Broker.Redelivery settings) {
        org.apache.activemq.RedeliveryPolicy policy = new org.apache.activemq.RedeliveryPolicy();
        policy.setInitialRedeliveryDelay(settings.initialDelay().toMillis());
        policy.setRedeliveryDelay(settings.initialDelay().toMillis());
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(2.0);
        policy.setMaximumRedeliveryDelay(settings.maximumDelay().toMillis());
        policy.setMaximumRedeliveries(settings.maximumRedeliveries());
        return policy;
    }

    /** Dead letters of queue Q go to DLQ.Q, not to one shared ActiveMQ.DLQ. */
    private static PolicyMap deadLetterPerQueue() {
        IndividualDeadLetterStrategy strategy = new IndividualDeadLetterStrategy();
        strategy.setQueuePrefix("DLQ.");
        strategy.setUseQueueForQueueMessages(true);
        PolicyEntry entry = new PolicyEntry();
        entry.setQueue(">");
        entry.setDeadLetterStrategy(strategy);
        PolicyMap map = new PolicyMap();
        map.setDefaultEntry(entry);
        return map;
    }

    /**
     * The engine's broker login: for the embedded broker a user and random password made at every
     * start; for an external broker (or a broker URL given) the configured {@code engine.broker.user}.
     */
    /** Who owns each temporary queue of the embedded broker (empty with an external broker). */
    @Bean
    public TemporaryQueueOwners temporaryQueueOwners() {
        return new TemporaryQueueOwners();
    }

    @Bean
    public BrokerIdentity engineBrokerIdentity(EngineProperties properties,
            @Value("${spring.activemq.broker-url:}") String externalUrl) {
        if (properties.broker().embedded() && !StringUtils.hasText(externalUrl)) {
            return BrokerIdentity.generated();
        }
        return new BrokerIdentity(properties.broker().user(), properties.broker().password());
    }

    @Bean(destroyMethod = "stop")
    public JmsPoolConnectionFactory jmsConnectionFactory(EngineProperties properties,
            ObjectProvider<BrokerService> embeddedBroker,
            @Value("${spring.activemq.broker-url:}") String externalUrl,
            @Value("${engine.broker.redelivery.broker-side:true}") boolean brokerSideRedelivery,
            BrokerIdentity engineBrokerIdentity) {
        embeddedBroker.ifAvailable(broker -> { }); // the embedded broker must be up before a vm:// connection
        String url = StringUtils.hasText(externalUrl) ? externalUrl : properties.broker().url();
        ActiveMQConnectionFactory amq = connectionFactory(url, properties.broker());
        if (StringUtils.hasText(engineBrokerIdentity.user())) {
            amq.setUserName(engineBrokerIdentity.user());
            amq.setPassword(engineBrokerIdentity.password());
        }
        amq.setTrustedPackages(List.of()); // JSON text only: no Java serialization
        amq.setNonBlockingRedelivery(true);
        // after a failover, a transaction whose messages the new broker has not replayed yet is rolled
        // back at once by default; the broker replays them moments after the consumer re-registers, so
        // the commit waits for them (a failover's commit only: nothing waits otherwise). A rollback in
        // that race could strand a message group until the consumer closes.
        amq.setConsumerFailoverRedeliveryWaitPeriod(FAILOVER_REDELIVERY_WAIT_MILLIS);
        // the embedded broker sends no advisories; watching them would make every producer's
        // temporary reply queue look deleted, and MQ intake replies would fail
        amq.setWatchTopicAdvisories(false);
        EngineProperties.Broker.Redelivery settings = properties.broker().redelivery();
        RedeliveryPolicy redelivery = amq.getRedeliveryPolicy();
        if (brokerSideRedelivery) {
            // the broker redelivers (redeliveryPlugin; an external broker must run the same plugin,
            // as k8s/overlays/prod/activemq.xml does): a rolled-back message goes straight back to it
            redelivery.setMaximumRedeliveries(0);
        } else {
            // an external broker without the plugin: the consumer redelivers, and its delay only
            // holds while the same consumer keeps the message
            redelivery.setInitialRedeliveryDelay(settings.initialDelay().toMillis());
            redelivery.setRedeliveryDelay(settings.initialDelay().toMillis());
            redelivery.setUseExponentialBackOff(true);
            redelivery.setBackOffMultiplier(2.0);
            redelivery.setMaximumRedeliveryDelay(settings.maximumDelay().toMillis());
            redelivery.setMaximumRedeliveries(settings.maximumRedeliveries());
        }
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(amq);
        pool.setMaxConnections(4);
        pool.setMaxSessionsPerConnection(200);
        return pool;
    }

    /**
     * TCP, failover or SSL. For {@code ssl://} URLs (also inside {@code failover:(...)}) a trust
     * store (and, for mutual TLS, a key store) may be given; without one the JVM's defaults apply.
     */
    static ActiveMQConnectionFactory connectionFactory(String url, EngineProperties.Broker broker) {
        if (!url.contains("ssl://") || !StringUtils.hasText(broker.trustStore())) {
            return new ActiveMQConnectionFactory(url);
        }
        ActiveMQSslConnectionFactory ssl = new ActiveMQSslConnectionFactory(url);
        try {
            ssl.setTrustStore(broker.trustStore());
            ssl.setTrustStorePassword(broker.trustStorePassword());
            if (StringUtils.hasText(broker.keyStore())) {
                ssl.setKeyStore(broker.keyStore());
                ssl.setKeyStorePassword(broker.keyStorePassword());
            }
        } catch (Exception e) {
            throw new IllegalStateException("broker TLS stores could not be read", e);
        }
        return ssl;
    }

    @Bean("activemq")
    public ActiveMQComponent activemq(ConnectionFactory jmsConnectionFactory) {
        ActiveMQComponent component = new ActiveMQComponent();
        component.setConnectionFactory(jmsConnectionFactory);
        component.setUsePooledConnection(false);
        component.setDeliveryPersistent(true);
        return component;
    }
}
