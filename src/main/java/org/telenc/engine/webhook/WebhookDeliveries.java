package org.telenc.engine.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.webhook.signing.SignatureScheme;
import org.telenc.engine.webhook.signing.SignedHeaders;

/**
 * One delivery attempt of one event to one URL (docs/api.md "Delivery and retries"): what to send and how to sign it,
 * then what the answer means: success, a retry after the configured schedule (through the broker's
 * scheduler, never an in-memory sleep), or a final failure. 410 Gone disables the URL.
 */
@Component("webhookDeliveries")
public class WebhookDeliveries {

    private static final Logger log = LoggerFactory.getLogger(WebhookDeliveries.class);
    private static final ObjectMapper QUEUE_JSON = new ObjectMapper();
    /** A message that found its delivery claimed looks again after the claim, or sooner. */
    private static final long BUSY_RECHECK_MAX_MILLIS = 5_000;

    private final WebhookRepository webhooks;
    private final EngineProperties properties;
    private final ObjectMapper json;
    private final Clock clock;
    private final EndpointSlots inFlight;

    public WebhookDeliveries(WebhookRepository webhooks, EngineProperties properties, ObjectMapper json, Clock clock) {
        this.webhooks = webhooks;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
        this.inFlight = new EndpointSlots(properties.webhook().perUrlConcurrency(), properties.webhook().claimDuration(),
                System::nanoTime);
    }

    /** The main lane (first attempts to healthy URLs) and the retry lane (everything else). */
    public static final String MAIN_LANE = "main";
    static final String MAIN_QUEUE = "webhooks.deliver";
    static final String RETRY_QUEUE = "webhooks.deliver.retry";
    /** A healthy URL still busy after the wait for a slot: its next delivery comes back this much later. */
    private static final long BUSY_URL_REQUEUE_MILLIS = 250;

    /**
     * The attempt to make now; or, when {@code requeueAfterMillis} is set, none here: the message goes
     * to {@code requeueQueue} after that delay. Its URL is failing (retry lane: it must not hold a
     * main-lane consumer), or busy with another main-lane attempt (main lane, shortly), or another
     * attempt holds the delivery itself (retry lane, when that claim ends; never dropped, so a crash
     * that leaves a claim behind cannot lose the delivery).
     */
    public record Attempt(String deliveryId, String endpointId, String url, SignatureScheme scheme, List<String> secrets,
            String eventId, String eventCreated, String body, int number, long startedAtNanos, Long requeueAfterMillis,
            String requeueQueue, boolean mainLaneSlot) {

        static Attempt requeue(String deliveryId, String queue, long millis) {
            return new Attempt(deliveryId, null, null, null, List.of(), null, null, null, 0, 0, millis, queue, false);
        }

        /** The queue message that brings this delivery back (read by the deliver route). */
        public String queueMessage() {
            return deliveryMessage(deliveryId);
        }
    }

    /** What follows an attempt: {@code retryDelayMillis} is set when the delivery is to be tried again. */
    public record Result(String deliveryId, String status, Long retryDelayMillis, String queueMessage) {
        public boolean retry() {
            return retryDelayMillis != null;
        }
    }

    /** The delivery queue's message for a delivery: {@code {"delivery_id":"..."}}. */
    public static String deliveryMessage(String deliveryId) {
        return WebhookBodies.write(QUEUE_JSON, new WebhookBodies.DeliveryMessage(deliveryId));
    }

    /** The attempt for a queue message, or null when the delivery is no longer pending. */
    public Attempt prepare(@Body String message, @ExchangeProperty(ExchangeProperties.LANE) String lane) throws Exception {
        WebhookBodies.DeliveryMessage queued = json.readValue(message, WebhookBodies.DeliveryMessage.class);
        String id = queued == null || queued.deliveryId() == null ? "" : queued.deliveryId();
        var delivery = webhooks.delivery(id).filter(d -> "pending".equals(d.status())).orElse(null);
        if (delivery == null) {
            return null;
        }
        var endpoint = webhooks.endpoint(delivery.endpointId()).orElse(null);
        var event = webhooks.event(delivery.eventId()).orElse(null);
        if (endpoint == null || event == null || !"enabled".equals(endpoint.status())) {
            webhooks.recordAttempt(id, delivery.attemptCount() + 1, null, 0, "endpoint disabled or removed", null, "failed", null);
            return null;
        }
        boolean mainLane = MAIN_LANE.equals(lane);
        if (mainLane && webhooks.endpointFailing(endpoint.id())) {
            return Attempt.requeue(id, RETRY_QUEUE, 0);
        }
        Instant now = clock.instant();
        if (mainLane && !inFlight.tryEnter(endpoint.id(), properties.webhook().busyUrlWait())) {
            // per-url-concurrency main-lane consumers per URL at a time
            return Attempt.requeue(id, MAIN_QUEUE, BUSY_URL_REQUEUE_MILLIS);
        }
        if (!webhooks.claim(id, now, now.plus(properties.webhook().claimDuration()))) {
            if (mainLane) {
                inFlight.leave(endpoint.id());
            }
            long held = webhooks.claimedUntil(id).map(until -> Duration.between(now, until).toMillis()).orElse(0L);
            long recheck = Math.max(1000, Math.min(BUSY_RECHECK_MAX_MILLIS, held));
            log.info("webhook delivery {} is held by another attempt; this message looks again in {} ms", id, recheck);
            return Attempt.requeue(id, RETRY_QUEUE, recheck);
        }
        WebhookBodies.StoredEvent stored = json.readValue(event.body(), WebhookBodies.StoredEvent.class);
        String created = stored == null || stored.created() == null ? "" : stored.created();
        SignatureScheme scheme = SignatureScheme.fromWireName(endpoint.scheme()).orElse(SignatureScheme.COBALT);
        return new Attempt(id, endpoint.id(), endpoint.url(), scheme, signingSecrets(scheme, webhooks.secrets(endpoint.id(), clock.instant())),
                event.id(), created, event.body(), delivery.attemptCount() + 1, System.nanoTime(), null, null, mainLane);
    }

    /**
     * During a rotation's overlap the old secret keeps verifying: {@code standard} carries both
     * signatures; {@code cobalt} has room for one, so it stays on the old secret until the overlap
     * ends and then moves to the new one.
     */
    static List<String> signingSecrets(SignatureScheme scheme, WebhookRepository.Secrets secrets) {
        if (secrets.previous() == null) {
            return List.of(secrets.current());
        }
        return scheme == SignatureScheme.STANDARD ? List.of(secrets.current(), secrets.previous())
                : List.of(secrets.previous());
    }

    /** Sets the signed headers for this attempt and returns the body to post. */
    public String sign(@ExchangeProperty(ExchangeProperties.ATTEMPT) Attempt attempt, @Headers Map<String, Object> headers) {
        headers.putAll(SignedHeaders.forAttempt(attempt.scheme(), attempt.secrets(), attempt.eventId(),
                attempt.eventCreated(), attempt.number(), clock.instant(), attempt.body()));
        headers.put(Exchange.HTTP_METHOD, "POST");
        headers.put(Exchange.HTTP_URI, attempt.url());
        headers.put(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        return attempt.body();
    }

    /** Records the attempt and decides what follows. A null status means no HTTP answer at all. */
    public Result recordAttempt(@ExchangeProperty(ExchangeProperties.ATTEMPT) Attempt attempt,
            @Header(Exchange.HTTP_RESPONSE_CODE) Integer status,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure, @Body String responseBody) {
        if (attempt.mainLaneSlot()) {
            inFlight.leave(attempt.endpointId());
        }
        long latency = Duration.ofNanos(System.nanoTime() - attempt.startedAtNanos()).toMillis();
        Integer code = failure != null ? null : status;
        String error = failure == null ? null : failure.getClass().getSimpleName();
        String excerpt = failure != null || responseBody == null ? null
                : responseBody.substring(0, Math.min(500, responseBody.length()));
        if (code != null && code >= 200 && code < 300) {
            webhooks.recordAttempt(attempt.deliveryId(), attempt.number(), code, latency, null, excerpt, "success", null);
            webhooks.setEndpointFailing(attempt.endpointId(), null);
            log.info("webhook event {} delivered (delivery {}, attempt {}, HTTP {})", attempt.eventId(), attempt.deliveryId(),
                    attempt.number(), code);
            return new Result(attempt.deliveryId(), "success", null, null);
        }
        if (code != null && code == 410) {
            webhooks.recordAttempt(attempt.deliveryId(), attempt.number(), code, latency, null, excerpt, "failed", null);
            webhooks.endpoint(webhooks.delivery(attempt.deliveryId()).orElseThrow().endpointId())
                    .ifPresent(e -> webhooks.setEndpointStatus(e.id(), "disabled"));
            log.warn("webhook URL answered 410 Gone and is disabled (delivery {})", attempt.deliveryId());
            return new Result(attempt.deliveryId(), "failed", null, null);
        }
        boolean blocked = failure instanceof WebhookDestinationGuard.BlockedDestinationException;
        boolean retryable = !blocked && (code == null || code == 408 || code == 429 || code >= 500);
        if (retryable) {
            webhooks.setEndpointFailing(attempt.endpointId(), clock.instant());
        }
        List<Duration> schedule = properties.webhook().retrySchedule();
        if (retryable && attempt.number() <= schedule.size()) {
            long delay = jittered(schedule.get(attempt.number() - 1));
            webhooks.recordAttempt(attempt.deliveryId(), attempt.number(), code, latency, error, excerpt, "pending",
                    clock.instant().plusMillis(delay));
            log.info("webhook event {} attempt {} failed ({}), retry in {} ms", attempt.eventId(), attempt.number(),
                    code == null ? error : "HTTP " + code, delay);
            return new Result(attempt.deliveryId(), "pending", delay, deliveryMessage(attempt.deliveryId()));
        }
        webhooks.recordAttempt(attempt.deliveryId(), attempt.number(), code, latency, error, excerpt, "failed", null);
        log.warn("webhook event {} delivery {} failed for good after attempt {} ({})", attempt.eventId(),
                attempt.deliveryId(), attempt.number(), code == null ? error : "HTTP " + code);
        return new Result(attempt.deliveryId(), "failed", null, deliveryMessage(attempt.deliveryId()));
    }

    private long jittered(Duration base) {
        double jitter = properties.webhook().jitter();
        double factor = 1 + (jitter <= 0 ? 0 : ThreadLocalRandom.current().nextDouble(-jitter, jitter));
        return Math.max(0, Math.round(base.toMillis() * factor));
    }

    /** Queue messages for delivery ids. */
    public List<String> queueMessages(@Body List<String> deliveryIds) {
        return deliveryIds.stream().map(id -> deliveryMessage(id)).toList();
    }
}
