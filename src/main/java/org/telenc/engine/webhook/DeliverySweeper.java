package org.telenc.engine.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A job records its outcome, event and deliveries in the database, then queues one message per
 * delivery in its consumer's transaction. When that transaction is lost after the database
 * committed (a broker failover rolls it back "post failover recovery", and the broker may never
 * give the job's message back), the deliveries are recorded and pending with no message to bring
 * them: the webhook would never go. The sweeper finds deliveries never attempted, unclaimed and
 * untouched for {@code engine.intake.sweep.after}, and queues their message again. A delivery that
 * was only waiting (a busy URL) gets a second message, which the deliver route absorbs: an attempt
 * claims its delivery, and a delivery no longer pending is skipped.
 */
@Component("deliverySweeper")
public class DeliverySweeper {

    private static final Logger log = LoggerFactory.getLogger(DeliverySweeper.class);
    private static final int BATCH = 200;

    private final WebhookRepository webhooks;
    private final Clock clock;
    private final Duration after;

    public DeliverySweeper(WebhookRepository webhooks, Clock clock, @Value("${engine.intake.sweep.after:5m}") Duration after) {
        this.webhooks = webhooks;
        this.clock = clock;
        this.after = after;
    }

    /** The queue messages of the deliveries to queue again (each marked, so it is taken once a period). */
    public List<String> due() {
        Instant before = clock.instant().minus(after);
        List<String> messages = new ArrayList<>();
        for (String id : webhooks.unqueuedDeliveryIds(before, BATCH)) {
            if (webhooks.markSwept(id, before)) {
                messages.add(WebhookDeliveries.deliveryMessage(id));
                log.warn("webhook delivery {} was recorded but never queued: queued again", id);
            }
        }
        return messages;
    }
}
