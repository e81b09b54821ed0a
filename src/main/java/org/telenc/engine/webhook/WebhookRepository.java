package org.telenc.engine.webhook;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.telenc.engine.storage.TableWrites;
import org.telenc.engine.tenancy.SecretBox;

/**
 * Webhook URLs, events, deliveries (one per event and URL) and their attempts. A URL's signing
 * secrets (current and previous) rest sealed ({@link SecretBox}, bound to the URL's id): they are
 * sealed when written and opened only by {@link #secrets}, for signing; no other read returns them.
 * A client's URLs, a URL and its sealed secrets are read on every job and delivery and change only
 * through the client or an operator: they are kept like a connection's settings ({@link TableWrites}),
 * until a write of {@code webhook_endpoint} here or on another replica and at most
 * {@code engine.connections.cache-ttl}. The secrets are kept sealed, as stored, and opened for each
 * signing, so no opened secret outlives the attempt that signs with it.
 */
@Repository
public class WebhookRepository {

    public static final String ENDPOINT_TABLE = "webhook_endpoint";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final SecretBox box;
    private final TableWrites.Cache<String, List<Endpoint>> endpoints;
    private final TableWrites.Cache<String, Endpoint> endpoint;
    private final TableWrites.Cache<String, SealedSecrets> sealedSecrets;

    /** A URL's secrets as stored (sealed). */
    private record SealedSecrets(String current, String previous, Instant previousExpiresAt) {
    }

    public WebhookRepository(JdbcTemplate jdbc, Clock clock, SecretBox box, TableWrites writes) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.box = box;
        this.endpoints = writes.cache(ENDPOINT_TABLE);
        this.endpoint = writes.cache(ENDPOINT_TABLE);
        this.sealedSecrets = writes.cache(ENDPOINT_TABLE);
    }

    /** A webhook URL as everything but signing sees it: never its secret. */
    public record Endpoint(String id, String clientPk, String url, String scheme, String status) {
    }

    /** What a signing secret is bound to when sealed: the URL's id (the current and the previous secret alike). */
    public static String secretContext(String endpointId) {
        return "webhook_endpoint.secret:" + endpointId;
    }

    public record Event(String id, String clientPk, String eventType, String body, Instant createdAt) {
    }

    public record Delivery(String id, String eventId, String endpointId, String url, String status, int attemptCount) {
    }

    /** Stores a URL with its signing secret, sealed. */
    public void insertEndpoint(Endpoint e, String secret) {
        jdbc.update("insert into webhook_endpoint(id, client_pk, url, signature_scheme, secret, status, created_at) values (?,?,?,?,?,?,?)",
                e.id(), e.clientPk(), e.url(), e.scheme(), box.seal(secret, secretContext(e.id())), e.status(), now());
    }

    public List<Endpoint> endpoints(String clientPk) {
        return endpoints.get(clientPk, pk -> List.copyOf(storedEndpoints(pk)));
    }

    private List<Endpoint> storedEndpoints(String clientPk) {
        return jdbc.query("select id, client_pk, url, signature_scheme, status from webhook_endpoint where client_pk = ? and status <> 'deleted' order by created_at",
                (rs, i) -> new Endpoint(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)),
                clientPk);
    }

    public Optional<Endpoint> endpoint(String id) {
        return Optional.ofNullable(endpoint.get(id, key -> storedEndpoint(key).orElse(null)));
    }

    private Optional<Endpoint> storedEndpoint(String id) {
        return jdbc.query("select id, client_pk, url, signature_scheme, status from webhook_endpoint where id = ?",
                (rs, i) -> new Endpoint(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)),
                id).stream().findFirst();
    }

    /** Marks the URL failing (from {@code since}) or, with null, healthy again. */
    public void setEndpointFailing(String id, Instant since) {
        if (since == null) {
            jdbc.update("update webhook_endpoint set failing_since = null where id = ? and failing_since is not null", id);
        } else {
            jdbc.update("update webhook_endpoint set failing_since = ? where id = ? and failing_since is null",
                    Timestamp.from(since), id);
        }
    }

    public boolean endpointFailing(String id) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "select failing_since is not null from webhook_endpoint where id = ?", Boolean.class, id));
    }

    /** The secrets that sign now: the current one, and the previous one until its overlap ends. */
    public record Secrets(String current, String previous) {
    }

    /** The signing secrets of a URL, opened: the one read that returns them, for signing only. */
    public Secrets secrets(String endpointId, Instant now) {
        String context = secretContext(endpointId);
        SealedSecrets stored = sealedSecrets.get(endpointId, id -> jdbc.queryForObject(
                "select secret, previous_secret, previous_secret_expires_at from webhook_endpoint where id = ?",
                (rs, i) -> {
                    Timestamp expires = rs.getTimestamp(3);
                    return new SealedSecrets(rs.getString(1), rs.getString(2), expires == null ? null : expires.toInstant());
                }, id));
        boolean overlap = stored.previous() != null && stored.previousExpiresAt() != null && stored.previousExpiresAt().isAfter(now);
        return new Secrets(openSecret(stored.current(), context), overlap ? openSecret(stored.previous(), context) : null);
    }

    /** A stored secret: sealed, or still in clear when it was written before sealing and not yet re-sealed. */
    private String openSecret(String stored, String context) {
        return stored == null || !SecretBox.isSealed(stored) ? stored : box.open(stored, context);
    }

    /** The new secret, sealed, becomes current; the current one (already sealed, under the same binding) becomes previous. */
    public void rotateSecret(String id, String newSecret, Instant previousExpiresAt) {
        jdbc.update("""
                update webhook_endpoint set previous_secret = secret, previous_secret_expires_at = ?, secret = ? where id = ?""",
                Timestamp.from(previousExpiresAt), box.seal(newSecret, secretContext(id)), id);
    }

    /** A URL's stored secrets as they rest (sealed or, before re-sealing, clear), for {@link WebhookSecretResealing}. */
    public record StoredSecrets(String endpointId, String secret, String previousSecret) {
    }

    public List<StoredSecrets> allStoredSecrets() {
        return jdbc.query("select id, secret, previous_secret from webhook_endpoint",
                (rs, i) -> new StoredSecrets(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    /** Replaces a URL's stored secrets if they still are what was read (replicas starting together). */
    public boolean replaceStoredSecrets(StoredSecrets read, String secret, String previousSecret) {
        return jdbc.update("""
                update webhook_endpoint set secret = ?, previous_secret = ?
                 where id = ? and secret = ? and (previous_secret = ? or (previous_secret is null and ? is null))""",
                secret, previousSecret, read.endpointId(), read.secret(), read.previousSecret(), read.previousSecret()) == 1;
    }

    /** A disabled URL enabled again (true), or nothing changed: it is not disabled (false). */
    public boolean reenableEndpoint(String id) {
        return jdbc.update("update webhook_endpoint set status = 'enabled' where id = ? and status = 'disabled'", id) == 1;
    }

    public void setEndpointStatus(String id, String status) {
        jdbc.update("update webhook_endpoint set status = ? where id = ?", status, id);
    }

    public void updateEndpointUrl(String id, String url) {
        jdbc.update("update webhook_endpoint set url = ? where id = ?", url, id);
    }

    public Optional<Event> eventForEncounter(String encounterId) {
        return jdbc.query("select id, client_pk, event_type, body, created_at from webhook_event where encounter_id = ?",
                (rs, i) -> new Event(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant()), encounterId).stream().findFirst();
    }

    /** The terminal event of an add-action request, if recorded. */
    public Optional<Event> eventForAction(String actionId) {
        return jdbc.query("select id, client_pk, event_type, body, created_at from webhook_event where action_id = ?",
                (rs, i) -> new Event(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant()), actionId).stream().findFirst();
    }

    public Optional<Event> event(String id) {
        return jdbc.query("select id, client_pk, event_type, body, created_at from webhook_event where id = ?",
                (rs, i) -> new Event(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant()), id).stream().findFirst();
    }

    public void insertEvent(String id, String clientPk, String encounterId, long jobId, String type, String referenceId,
            String body, Instant created) {
        jdbc.update("""
                insert into webhook_event(id, client_pk, encounter_id, job_id, event_type, access_token_reference_id, body, created_at)
                values (?,?,?,?,?,?,?,?)""", id, clientPk, encounterId, jobId, type, referenceId, body, Timestamp.from(created));
    }

    public void insertActionEvent(String id, String clientPk, String actionId, long jobId, String type, String referenceId,
            String body, Instant created) {
        jdbc.update("""
                insert into webhook_event(id, client_pk, action_id, job_id, event_type, access_token_reference_id, body, created_at)
                values (?,?,?,?,?,?,?,?)""", id, clientPk, actionId, jobId, type, referenceId, body, Timestamp.from(created));
    }

    public void insertDelivery(String id, String eventId, Endpoint endpoint) {
        jdbc.update("""
                insert into webhook_delivery(id, event_id, endpoint_id, url, status, attempt_count, created_at, updated_at)
                values (?,?,?,?, 'pending', 0, ?, ?)""", id, eventId, endpoint.id(), endpoint.url(), now(), now());
    }

    public List<String> pendingDeliveryIds(String eventId) {
        return jdbc.queryForList("select id from webhook_delivery where event_id = ? and status = 'pending'", String.class, eventId);
    }

    /**
     * Pending deliveries never attempted, unclaimed and untouched since {@code before}: recorded with
     * their event, but their queue message never reached the broker (a transaction rolled back
     * after the database had committed, as a broker failover does), at most {@code limit}.
     */
    public List<String> unqueuedDeliveryIds(Instant before, int limit) {
        return jdbc.queryForList("""
                select id from webhook_delivery
                 where status = 'pending' and attempt_count = 0 and claimed_until is null and updated_at < ?
                 order by updated_at limit ?""", String.class, Timestamp.from(before), limit);
    }

    /** Marks a swept delivery as touched now, once: false when another sweep (a replica) took it. */
    public boolean markSwept(String id, Instant before) {
        return jdbc.update("update webhook_delivery set updated_at = ? where id = ? and status = 'pending' and updated_at < ?",
                now(), id, Timestamp.from(before)) == 1;
    }

    public Optional<Delivery> delivery(String id) {
        return jdbc.query("select id, event_id, endpoint_id, url, status, attempt_count from webhook_delivery where id = ?",
                (rs, i) -> new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getInt(6)), id).stream().findFirst();
    }

    /**
     * Claims a pending delivery for one attempt until {@code until}; false when it is no longer
     * pending or another attempt holds it.
     */
    public boolean claim(String deliveryId, Instant now, Instant until) {
        return jdbc.update("""
                update webhook_delivery set claimed_until = ?
                 where id = ? and status = 'pending' and (claimed_until is null or claimed_until < ?)""",
                Timestamp.from(until), deliveryId, Timestamp.from(now)) == 1;
    }

    /** When the claim on a delivery ends (null when unclaimed). */
    public Optional<Instant> claimedUntil(String deliveryId) {
        return jdbc.query("select claimed_until from webhook_delivery where id = ?",
                (rs, i) -> Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant), deliveryId)
                .stream().findFirst().flatMap(x -> x);
    }

    public void recordAttempt(String deliveryId, int attemptNo, Integer statusCode, long latencyMs, String error,
            String responseExcerpt, String newStatus, Instant nextAttemptAt) {
        jdbc.update("""
                insert into webhook_attempt(delivery_id, attempt_no, attempted_at, status_code, latency_ms, error, response_excerpt)
                values (?,?,?,?,?,?,?)""", deliveryId, attemptNo, now(), statusCode, latencyMs, error, responseExcerpt);
        jdbc.update("""
                update webhook_delivery set status = ?, attempt_count = ?, last_status_code = ?, next_attempt_at = ?, updated_at = ?,
                       claimed_until = null
                 where id = ?""", newStatus, attemptNo, statusCode,
                nextAttemptAt == null ? null : Timestamp.from(nextAttemptAt), now(), deliveryId);
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }
}
