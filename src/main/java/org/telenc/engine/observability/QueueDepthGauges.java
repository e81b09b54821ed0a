package org.telenc.engine.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.stream.Stream;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.region.Destination;
import org.apache.activemq.command.ActiveMQQueue;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code telenc_queue_depth{queue}}: messages waiting on each of the engine's queues and their
 * dead-letter queues, read from the embedded broker's destination statistics (no JMX, no browsing).
 * Messages the broker scheduler still holds (delayed retries, {@code AMQ_SCHEDULED_DELAY}) are not on
 * the queue yet and are not counted. With an external broker there is no gauge: the engine cannot
 * read another process's statistics without JMX or browsing every message, so that broker's own
 * exporter reports its queues.
 */
@Component
public class QueueDepthGauges implements MeterBinder {

    static final String NAME = "telenc.queue.depth";

    /** The queues the routes consume or write, in the order they are met in the flow. */
    public static final List<String> QUEUES = List.of(
            "telephone-encounters.submit", "telephone-encounters.submit.rejected", "telephone-encounters.requests",
            "telephone-encounters.actions", "webhooks.deliver", "webhooks.deliver.retry");

    private final ObjectProvider<BrokerService> embeddedBroker;

    public QueueDepthGauges(ObjectProvider<BrokerService> embeddedBroker) {
        this.embeddedBroker = embeddedBroker;
    }

    /** The engine's queues and their dead-letter queues ({@code DLQ.<queue>}). */
    public static List<String> queues() {
        return Stream.concat(QUEUES.stream(), QUEUES.stream().filter(q -> !q.endsWith(".rejected")).map(q -> "DLQ." + q))
                .toList();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        BrokerService broker = embeddedBroker.getIfAvailable();
        if (broker == null) {
            return;
        }
        for (String queue : queues()) {
            Gauge.builder(NAME, () -> depth(broker, queue))
                    .description("Messages waiting on an engine queue (embedded broker; scheduled deliveries not included)")
                    .tag("queue", queue)
                    .register(registry);
        }
    }

    /** Messages waiting on one queue of the embedded broker (NaN while it is not started). */
    public static double depth(BrokerService broker, String queue) {
        try {
            if (!broker.isStarted() || broker.getRegionBroker() == null) {
                return Double.NaN;
            }
            ActiveMQQueue destination = new ActiveMQQueue(queue);
            Destination found = broker.getRegionBroker().getDestinationMap(destination).get(destination);
            return found == null ? 0 : found.getDestinationStatistics().getMessages().getCount();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
