package org.telenc.engine.storage;

import jakarta.annotation.PreDestroy;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Header;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.telenc.engine.routes.MessageHeaders;

/**
 * Tells the other replicas that this one wrote a table of cached settings, and drops what this one
 * keeps when another tells it. Every replica publishes to and subscribes to one broker topic
 * ({@value #TOPIC}; routes {@code announce-settings-change} and {@code settings-changed}); a message holds the table's name and the
 * sender's instance id (its own messages come back to it and are skipped). The message is sent
 * once the writing transaction ended, from a thread of its own, so a write never waits for the
 * broker; a message that cannot be sent (the broker away) is left to the caches' TTL
 * ({@code engine.connections.cache-ttl}), as is one a replica misses while it is off the broker.
 */
@Component("settingsChanges")
public class SettingsChanges {

    public static final String TOPIC = "settings.changed";
    /** The header naming the replica that wrote. */
    public static final String SENDER = MessageHeaders.SETTINGS_SENDER;

    private static final Logger LOG = LoggerFactory.getLogger(SettingsChanges.class);

    private final String instance = UUID.randomUUID().toString();
    private final TableWrites writes;
    private final ObjectProvider<CamelContext> camel;
    private final String uri;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "settings-changes");
        thread.setDaemon(true);
        return thread;
    });
    private volatile ProducerTemplate producer;

    public SettingsChanges(TableWrites writes, ObjectProvider<CamelContext> camel) {
        this.writes = writes;
        this.camel = camel;
        this.uri = "direct:announce-settings-change";
        writes.onWrite(table -> sender.execute(() -> publish(table)));
    }

    @PreDestroy
    void stop() {
        sender.shutdownNow();
    }

    private void publish(String table) {
        CamelContext context = camel.getIfAvailable();
        if (context == null || context.getStatus() != ServiceStatus.Started) {
            return; // starting or stopping: the other replicas' TTL covers it
        }
        try {
            if (producer == null) {
                producer = context.createProducerTemplate();
            }
            producer.sendBodyAndHeader(uri, table, SENDER, instance);
        } catch (RuntimeException e) {
            LOG.warn("could not tell the other replicas of a write of {} ({}); their caches follow within engine.connections.cache-ttl",
                    table, e.getClass().getSimpleName());
        }
    }

    /** A write told by a replica: this one's cached rows of the table are loaded again (its own messages are skipped). */
    public void received(@Body String table, @Header(SENDER) String from) {
        if (!instance.equals(from)) {
            writes.writtenElsewhere(table);
        }
    }

    /** This replica's id in the messages it sends. */
    public String instance() {
        return instance;
    }
}
