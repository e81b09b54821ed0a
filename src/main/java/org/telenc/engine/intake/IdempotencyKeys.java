package org.telenc.engine.intake;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.api.ApiResponse;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.routes.MessageHeaders;
import org.telenc.engine.tenancy.Caller;
import org.telenc.engine.tenancy.Secrets;

/**
 * docs/api.md "Idempotency-Key". A key is looked up before validation (a replay answers as the first time did, even
 * if reference data changed since); it is written in the same transaction as the accepted request,
 * in state {@code accepting}, and becomes {@code done} once the request is queued. A second request
 * meanwhile gets 409; a failed queueing removes the key with the request. Requests that fail
 * validation store nothing.
 */
@Component("idempotencyKeys")
public class IdempotencyKeys {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeys.class);
    static final Duration RETENTION = Duration.ofHours(24);
    /** An {@code accepting} row this old outlived its request's answer (crash or lost update). */
    static final Duration ACCEPTING_TIMEOUT = Duration.ofSeconds(60);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public IdempotencyKeys(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The key of this request (null when none was sent) and, for a replay, the first answer. */
    public record Idempotency(String key, String requestHash, ApiResponse replay) {
    }

    private record Row(String hash, String state, int status, String body, Instant createdAt) {
    }

    public Idempotency lookup(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller, @Header(MessageHeaders.IDEMPOTENCY_KEY) String key,
            @Body String body) {
        if (key == null) {
            return new Idempotency(null, null, null);
        }
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new ApiException(400, "invalid_idempotency_key",
                    "Idempotency-Key must be 1 to 255 printable ASCII characters.");
        }
        String hash = Secrets.sha256Hex(body == null ? "" : body);
        Optional<Row> row = find(caller, key);
        if (row.isEmpty()) {
            return new Idempotency(key, hash, null);
        }
        return new Idempotency(key, hash, answerFor(row.get(), hash));
    }

    /** Called inside the intake transaction: a concurrent twin that got here first makes this one 409/422. */
    public void claim(Caller caller, Idempotency idempotency, String encounterId, ApiResponse response) {
        if (idempotency == null || idempotency.key() == null) {
            return;
        }
        Instant now = clock.instant();
        jdbc.update("delete from idempotency_key where client_pk = ? and access_token_id = ? and idem_key = ? and created_at < ?",
                caller.clientPk(), caller.accessTokenId(), idempotency.key(), Timestamp.from(now.minus(RETENTION)));
        try {
            jdbc.update("""
                    insert into idempotency_key(client_pk, access_token_id, idem_key, request_hash, state, encounter_id,
                                                response_status, response_body, created_at)
                    values (?,?,?,?, 'accepting', ?,?,?,?)""", caller.clientPk(), caller.accessTokenId(), idempotency.key(),
                    idempotency.requestHash(), encounterId, response.status(), response.json(), Timestamp.from(now));
        } catch (DuplicateKeyException e) {
            // a twin got here first; its retry sees the replay or the 422 (and on PostgreSQL this
            // transaction is aborted now, so nothing more is read here)
            throw inUse();
        }
    }

    public void complete(@ExchangeProperty(ExchangeProperties.CALLER) Caller caller,
            @ExchangeProperty(ExchangeProperties.IDEMPOTENCY) Idempotency idempotency) {
        if (idempotency == null || idempotency.key() == null) {
            return;
        }
        try {
            jdbc.update("update idempotency_key set state = 'done' where client_pk = ? and access_token_id = ? and idem_key = ?",
                    caller.clientPk(), caller.accessTokenId(), idempotency.key());
        } catch (DataAccessException e) {
            // the request is queued: answer 200 anyway; the row counts as done after ACCEPTING_TIMEOUT
            LOG.warn("Idempotency-Key not marked done ({}); it replays after {}", e.getClass().getSimpleName(), ACCEPTING_TIMEOUT);
        }
    }

    public void release(String encounterId) {
        jdbc.update("delete from idempotency_key where encounter_id = ?", encounterId);
    }

    /** The replayed answer; throws 422 for another body and 409 while the first is being accepted. */
    private ApiResponse answerFor(Row row, String hash) {
        if (!row.hash().equals(hash)) {
            throw new ApiException(422, "idempotency_key_reused",
                    "Idempotency-Key was already used with a different request body.");
        }
        boolean accepting = "accepting".equals(row.state())
                && row.createdAt().isAfter(clock.instant().minus(ACCEPTING_TIMEOUT));
        if (accepting) {
            throw inUse();
        }
        return new ApiResponse(row.status(), row.body(), null);
    }

    private Optional<Row> find(Caller caller, String key) {
        return jdbc.query("""
                select request_hash, state, response_status, response_body, created_at from idempotency_key
                 where client_pk = ? and access_token_id = ? and idem_key = ? and created_at >= ?""",
                (rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant()),
                caller.clientPk(), caller.accessTokenId(), key, Timestamp.from(clock.instant().minus(RETENTION)))
                .stream().findFirst();
    }

    private static ApiException inUse() {
        return new ApiException(409, "idempotency_key_in_use",
                "A request with this Idempotency-Key is still being accepted. Retry shortly.", List.of(), 1);
    }
}
