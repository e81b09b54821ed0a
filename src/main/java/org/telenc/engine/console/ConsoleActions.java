package org.telenc.engine.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.telenc.engine.audit.AuditLog;
import org.telenc.engine.routes.MessageHeaders;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.webhook.WebhookApi;
import org.telenc.engine.webhook.WebhookDeliveries;
import org.telenc.engine.webhook.WebhookRepository;

/**
 * What an operator does from the console, each audited with who, what and why. A resend is a new
 * pending delivery of the same event (same id and bytes) to the same endpoint, recorded through
 * {@link WebhookRepository} and queued through the route that queues every delivery
 * ({@code direct:queue-webhook-deliveries}), as the API's resend does; a delivery recorded but not
 * queued (the broker away) is queued by the delivery sweep.
 */
@Component
public class ConsoleActions {

    private final WebhookRepository webhooks;
    private final ConsoleQueries queries;
    private final AuditLog audit;
    private final ProducerTemplate camel;
    private final TransactionTemplate transaction;
    private final int recoverLimit;
    private final WebhookApi webhookApi;

    public ConsoleActions(WebhookRepository webhooks, ConsoleQueries queries, AuditLog audit, ProducerTemplate camel,
            PlatformTransactionManager transactions, @Value("${engine.console.recover-limit:500}") int recoverLimit,
            WebhookApi webhookApi) {
        this.webhookApi = webhookApi;
        this.webhooks = webhooks;
        this.queries = queries;
        this.audit = audit;
        this.camel = camel;
        this.transaction = new TransactionTemplate(transactions);
        this.recoverLimit = recoverLimit;
    }

    public int recoverLimit() {
        return recoverLimit;
    }

    /** Why an action is refused, for the page. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Resends one delivery's event to its endpoint; answers the new delivery's id. */
    public String resend(String user, String deliveryId, String reason) {
        String why = reason(reason);
        Optional<String> queued = transaction.execute(status -> newDelivery(deliveryId));
        if (queued == null || queued.isEmpty()) {
            audit.console(user, "console-resend-delivery", deliveryId, "refused: endpoint not enabled", why);
            throw new Refused("The delivery's endpoint is disabled or removed: nothing was resent.");
        }
        queue(List.of(queued.get()));
        audit.console(user, "console-resend-delivery", deliveryId, "queued " + queued.get(), why);
        return queued.get();
    }

    /** Resends the failed deliveries of a filter, at most {@link #recoverLimit()}; answers how many. */
    public int recover(String user, ConsoleQueries.DeliveryFilter filter, String reason) {
        String why = reason(reason);
        List<String> ids = queries.recoverableIds(filter, recoverLimit);
        List<String> created = transaction.execute(status -> {
            List<String> made = new ArrayList<>();
            for (String id : ids) {
                newDelivery(id).ifPresent(made::add);
            }
            return made;
        });
        List<String> messages = created == null ? List.of() : created;
        queue(messages);
        audit.console(user, "console-recover-deliveries", filter.endpoint() != null ? filter.endpoint() : filter.client(),
                "queued " + messages.size() + " of " + ids.size(), why);
        return messages.size();
    }

    /** Runs the reference sync of one connection now (what the admin API's sync does). */
    public void sync(String user, String connectionId, String reason) {
        String why = reason(reason);
        try {
            camel.requestBodyAndHeader("direct:reference-sync", null, MessageHeaders.SYNC_CONNECTION_ID, connectionId);
        } catch (RuntimeException e) {
            audit.console(user, "console-sync-connection", connectionId, "failed", why);
            throw new Refused("The sync failed; the connection's state shows why.");
        }
        audit.console(user, "console-sync-connection", connectionId, "synced", why);
    }

    /** Enables a disabled webhook endpoint again (admin); refused when it is not disabled. */
    public void reenable(String user, String endpointId, String reason) {
        String why = reason(reason);
        if (!webhooks.reenableEndpoint(endpointId)) {
            audit.console(user, "console-enable-endpoint", endpointId, "refused: not disabled", why);
            throw new Refused("The endpoint is not disabled: nothing changed.");
        }
        audit.console(user, "console-enable-endpoint", endpointId, "enabled", why);
    }

    /**
     * Rotates an endpoint's signing secret (admin) through the admin API's own rotation
     * ({@link WebhookApi#rotate}); answers the new secret for its one showing. The audit records
     * who, which endpoint and why, never the secret.
     */
    public String rotateSecret(String user, String endpointId, String reason) {
        String why = reason(reason);
        WebhookRepository.Endpoint endpoint = webhooks.endpoint(endpointId).filter(e -> !"deleted".equals(e.status()))
                .orElseThrow(() -> new Refused("No such endpoint."));
        String secret = webhookApi.rotate(endpoint);
        audit.console(user, "console-rotate-endpoint-secret", endpointId, "rotated", why);
        return secret;
    }

    private Optional<String> newDelivery(String deliveryId) {
        WebhookRepository.Delivery delivery = webhooks.delivery(deliveryId)
                .orElseThrow(() -> new Refused("No such delivery."));
        Optional<WebhookRepository.Endpoint> endpoint = webhooks.endpoint(delivery.endpointId())
                .filter(e -> "enabled".equals(e.status()));
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        String id = Secrets.newId();
        webhooks.insertDelivery(id, delivery.eventId(), endpoint.get());
        return Optional.of(id);
    }

    private void queue(List<String> deliveryIds) {
        if (!deliveryIds.isEmpty()) {
            camel.sendBody("direct:queue-webhook-deliveries", deliveryIds.stream().map(WebhookDeliveries::deliveryMessage).toList());
        }
    }

    /** The reason an operator gave: required, one line, at most 200 characters. */
    static String reason(String reason) {
        String why = reason == null ? "" : reason.strip().replaceAll("\\s+", " ");
        if (why.isEmpty()) {
            throw new Refused("Give a reason (a ticket number or a short note, never patient data).");
        }
        if (why.length() > 200) {
            throw new Refused("The reason is longer than 200 characters.");
        }
        return why;
    }
}
