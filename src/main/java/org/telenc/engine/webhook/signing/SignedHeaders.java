package org.telenc.engine.webhook.signing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The signature headers of one webhook delivery attempt (docs/api.md "Signatures"), in sending order.
 * {@code Content-Type} and any other header are the caller's.
 *
 * <ul>
 *   <li>{@code cobalt}: {@code cobalt-verification}, {@code webhook-id},
 *       {@code webhook-timestamp} (the event's {@code created}, ISO 8601), {@code webhook-attempt}.</li>
 *   <li>{@code standard}: {@code webhook-id}, {@code webhook-timestamp} (Unix seconds of the
 *       attempt), {@code webhook-signature}, {@code webhook-attempt}.</li>
 * </ul>
 */
public final class SignedHeaders {

    /** Cobalt's signature header. */
    public static final String COBALT_VERIFICATION = "cobalt-verification";
    /** The event id, stable across attempts. */
    public static final String WEBHOOK_ID = "webhook-id";
    /** Cobalt: the event's {@code created}; standard: Unix seconds of the attempt. */
    public static final String WEBHOOK_TIMESTAMP = "webhook-timestamp";
    /** Standard Webhooks signature header. */
    public static final String WEBHOOK_SIGNATURE = "webhook-signature";
    /** Attempt number, 1 for the first delivery. */
    public static final String WEBHOOK_ATTEMPT = "webhook-attempt";

    private SignedHeaders() {
    }

    /**
     * Builds the signature headers of one attempt.
     *
     * @param scheme the URL's scheme
     * @param secrets the URL's secrets to sign with. {@code standard}: one or more, each adds a
     *     signature to {@code webhook-signature} (pass the new and the rotated-out secret during a
     *     rotation's grace period). {@code cobalt}: exactly one, since {@code cobalt-verification}
     *     carries a single signature; the caller decides which secret signs during a rotation.
     * @param eventId the event id ({@code evt_...})
     * @param eventCreated the event's {@code created} exactly as written in the body (used by cobalt only)
     * @param attempt the attempt number, from 1
     * @param attemptTime when this attempt is sent (used by standard only)
     * @param body the body exactly as sent; it goes on the wire as its UTF-8 bytes
     * @return an unmodifiable map of header names (lowercase) to values, in sending order
     * @throws IllegalArgumentException for a bad attempt number, a wrong number of secrets, or a
     *     malformed secret
     */
    public static Map<String, String> forAttempt(SignatureScheme scheme, List<String> secrets, String eventId,
            String eventCreated, int attempt, Instant attemptTime, String body) {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(body, "body");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt numbers start at 1, got " + attempt);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        switch (scheme) {
            case COBALT -> {
                if (secrets.size() != 1) {
                    throw new IllegalArgumentException("cobalt signs with exactly one secret, got " + secrets.size());
                }
                headers.put(COBALT_VERIFICATION,
                        WebhookSignatures.cobaltSignature(secrets.get(0), body.getBytes(StandardCharsets.UTF_8)));
                headers.put(WEBHOOK_ID, eventId);
                headers.put(WEBHOOK_TIMESTAMP, Objects.requireNonNull(eventCreated, "eventCreated"));
            }
            case STANDARD -> {
                long timestamp = attemptTime.getEpochSecond();
                headers.put(WEBHOOK_ID, eventId);
                headers.put(WEBHOOK_TIMESTAMP, Long.toString(timestamp));
                headers.put(WEBHOOK_SIGNATURE,
                        WebhookSignatures.standardSignatureHeader(secrets, eventId, timestamp, body));
            }
        }
        headers.put(WEBHOOK_ATTEMPT, Integer.toString(attempt));
        return Collections.unmodifiableMap(headers);
    }
}
