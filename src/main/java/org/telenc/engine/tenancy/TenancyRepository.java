package org.telenc.engine.tenancy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.telenc.engine.storage.TableWrites;

/**
 * Clients, EMR connections and access tokens. What authentication and jobs read on every request
 * (a client with its token, a producer's tokens, a token's reference id and EMR user) is kept
 * like a connection's settings ({@link TableWrites}): until a write of the tables it came from,
 * here or on another replica, and at most {@code engine.connections.cache-ttl}. A client's secret
 * is kept as the stored hash, never in clear; a lookup that found nothing is not kept.
 */
@Repository
public class TenancyRepository {

    /** The table of EMR connections (their settings, credentials, status and capabilities). */
    public static final String CONNECTION_TABLE = "emr_connection";
    public static final String CLIENT_TABLE = "api_client";
    public static final String TOKEN_TABLE = "access_token";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final TableWrites.Cache<CredentialsKey, Credentials> credentials;
    private final TableWrites.Cache<String, ClientRow> clients;
    private final TableWrites.Cache<ProducerKey, List<TokenRow>> producerTokens;
    private final TableWrites.Cache<String, Optional<String>> tokenReferences;
    private final TableWrites.Cache<String, String> tokenUsers;

    private record CredentialsKey(String clientId, String tokenHash) {
    }

    private record ProducerKey(String clientPk, String referenceId) {
    }

    public TenancyRepository(JdbcTemplate jdbc, Clock clock, TableWrites writes) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.credentials = writes.cache(CLIENT_TABLE, TOKEN_TABLE, CONNECTION_TABLE);
        this.clients = writes.cache(CLIENT_TABLE);
        this.producerTokens = writes.cache(TOKEN_TABLE, CONNECTION_TABLE);
        this.tokenReferences = writes.cache(TOKEN_TABLE);
        this.tokenUsers = writes.cache(TOKEN_TABLE);
    }

    public record ClientRow(String id, String clientId, String secretHash, String status) {
    }

    public record TokenRow(String id, String clientPk, String connectionId, String emrUserEhrId, String referenceId,
            String status, Instant expiresAt, String emrType, String connectionStatus) {
    }

    public record ConnectionRow(String id, String name, String emrType, String baseUrl, String settings, String status) {
    }

    public Optional<ClientRow> findClient(String clientId) {
        return Optional.ofNullable(clients.get(clientId, id -> storedClient(id).orElse(null)));
    }

    private Optional<ClientRow> storedClient(String clientId) {
        return jdbc.query("select id, client_id, secret_hash, status from api_client where client_id = ?",
                (rs, i) -> new ClientRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                clientId).stream().findFirst();
    }

    public Optional<TokenRow> findToken(String tokenHash) {
        return jdbc.query("""
                select t.id, t.client_pk, t.connection_id, t.emr_user_ehr_id, t.reference_id, t.status, t.expires_at,
                       c.emr_type, c.status
                  from access_token t join emr_connection c on c.id = t.connection_id
                 where t.token_hash = ?""",
                (rs, i) -> new TokenRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), instant(rs.getTimestamp(7)), rs.getString(8), rs.getString(9)),
                tokenHash).stream().findFirst();
    }

    /**
     * A client's usable tokens for an MQ message: those with the reference id, or (reference null)
     * all of them; revoked ones left out. One row is a match; several with one reference id are
     * collapsed to the newest, which is the one a re-provisioning issued.
     */
    public List<TokenRow> producerTokens(String clientPk, String referenceId) {
        return producerTokens.get(new ProducerKey(clientPk, referenceId), key -> storedProducerTokens(key.clientPk(), key.referenceId()));
    }

    private List<TokenRow> storedProducerTokens(String clientPk, String referenceId) {
        List<TokenRow> rows = jdbc.query("""
                select t.id, t.client_pk, t.connection_id, t.emr_user_ehr_id, t.reference_id, t.status, t.expires_at,
                       c.emr_type, c.status
                  from access_token t join emr_connection c on c.id = t.connection_id
                 where t.client_pk = ? and t.status <> 'revoked' and (cast(? as varchar(200)) is null or t.reference_id = ?)
                 order by t.created_at desc, t.id""",
                (rs, i) -> new TokenRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), instant(rs.getTimestamp(7)), rs.getString(8), rs.getString(9)),
                clientPk, referenceId, referenceId);
        Map<String, TokenRow> newestByReference = new LinkedHashMap<>();
        rows.forEach(row -> newestByReference.putIfAbsent(row.referenceId(), row));
        return List.copyOf(newestByReference.values());
    }

    /** A client and, when the token is that client's, the token: what authentication reads, in one statement. */
    public record Credentials(ClientRow client, Optional<TokenRow> token) {
    }

    public Optional<Credentials> findCredentials(String clientId, String tokenHash) {
        return Optional.ofNullable(credentials.get(new CredentialsKey(clientId, tokenHash),
                key -> storedCredentials(key.clientId(), key.tokenHash()).orElse(null)));
    }

    private Optional<Credentials> storedCredentials(String clientId, String tokenHash) {
        return jdbc.query("""
                select a.id, a.client_id, a.secret_hash, a.status,
                       t.id, t.client_pk, t.connection_id, t.emr_user_ehr_id, t.reference_id, t.status, t.expires_at,
                       c.emr_type, c.status
                  from api_client a
                  left join access_token t on t.token_hash = ? and t.client_pk = a.id
                  left join emr_connection c on c.id = t.connection_id
                 where a.client_id = ?""",
                (rs, i) -> {
                    ClientRow client = new ClientRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
                    Optional<TokenRow> token = rs.getString(5) == null || rs.getString(12) == null ? Optional.empty()
                            : Optional.of(new TokenRow(rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                                    rs.getString(9), rs.getString(10), instant(rs.getTimestamp(11)), rs.getString(12),
                                    rs.getString(13)));
                    return new Credentials(client, token);
                }, tokenHash, clientId).stream().findFirst();
    }

    public Optional<ConnectionRow> findConnection(String id) {
        return jdbc.query("select id, name, emr_type, base_url, settings, status from emr_connection where id = ?",
                (rs, i) -> new ConnectionRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6)), id).stream().findFirst();
    }

    public List<ConnectionRow> activeConnections() {
        return jdbc.query("select id, name, emr_type, base_url, settings, status from emr_connection where status = 'active' order by created_at",
                (rs, i) -> new ConnectionRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6)));
    }

    public void insertClient(String id, String clientId, String secretHash, String name) {
        jdbc.update("insert into api_client(id, client_id, secret_hash, name, status, created_at) values (?,?,?,?, 'active', ?)",
                id, clientId, secretHash, name, now());
    }

    public void updateClientSecret(String id, String secretHash) {
        jdbc.update("update api_client set secret_hash = ? where id = ?", secretHash, id);
    }

    public void insertConnection(String id, String name, String emrType, String baseUrl, String settings) {
        jdbc.update("insert into emr_connection(id, name, emr_type, base_url, settings, status, created_at) values (?,?,?,?,?, 'active', ?)",
                id, name, emrType, baseUrl, settings, now());
    }

    public void updateConnectionBaseUrl(String id, String baseUrl) {
        jdbc.update("update emr_connection set base_url = ? where id = ?", baseUrl, id);
    }

    public Optional<String> findConnectionIdByName(String name) {
        return jdbc.queryForList("select id from emr_connection where name = ?", String.class, name).stream().findFirst();
    }

    public void insertToken(String id, String tokenHash, String clientPk, String connectionId, String emrUserEhrId,
            String referenceId) {
        jdbc.update("""
                insert into access_token(id, token_hash, client_pk, connection_id, emr_user_ehr_id, reference_id, status, created_at)
                values (?,?,?,?,?,?, 'active', ?)""",
                id, tokenHash, clientPk, connectionId, emrUserEhrId, referenceId, now());
    }

    public void setTokenStatus(String tokenId, String status) {
        jdbc.update("update access_token set status = ? where id = ?", status, tokenId);
    }

    public String tokenReferenceId(String tokenId) {
        return tokenReferences.get(tokenId, id -> Optional.ofNullable(
                jdbc.queryForObject("select reference_id from access_token where id = ?", String.class, id))).orElse(null);
    }

    // --- operator side (admin API, provisioning file) ---

    /** A client as operators see it: never its secret hash. */
    public record ClientSummary(String clientId, String name, String status, Instant createdAt) {
    }

    public List<ClientSummary> clients() {
        return jdbc.query("select client_id, name, status, created_at from api_client order by created_at",
                (rs, i) -> new ClientSummary(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs.getTimestamp(4))));
    }

    public void updateClient(String id, String name, String status) {
        jdbc.update("update api_client set name = ?, status = ? where id = ?", name, status, id);
    }

    /** A connection with its sealed credentials. */
    public record ConnectionAdminRow(String id, String name, String emrType, String baseUrl, String settings,
            String sealedCredentials, String status, Instant lastSyncedAt) {
    }

    private static final String CONNECTION_ADMIN_COLUMNS =
            "select id, name, emr_type, base_url, settings, credentials, status, last_synced_at from emr_connection";

    private static ConnectionAdminRow connectionAdminRow(ResultSet rs, int i) throws SQLException {
        return new ConnectionAdminRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), instant(rs.getTimestamp(8)));
    }

    public List<ConnectionAdminRow> connections() {
        return jdbc.query(CONNECTION_ADMIN_COLUMNS + " order by created_at", TenancyRepository::connectionAdminRow);
    }

    public Optional<ConnectionAdminRow> connectionAdmin(String idOrName) {
        return jdbc.query(CONNECTION_ADMIN_COLUMNS + " where id = ? or name = ?", TenancyRepository::connectionAdminRow,
                idOrName, idOrName).stream().findFirst();
    }

    public Optional<String> sealedCredentials(String connectionId) {
        return jdbc.queryForList("select credentials from emr_connection where id = ?", String.class, connectionId)
                .stream().filter(Objects::nonNull).findFirst();
    }

    /** A connection's sealed credentials, for re-sealing under a new key. */
    public record SealedCredentials(String connectionId, String sealed) {
    }

    public List<SealedCredentials> allSealedCredentials() {
        return jdbc.query("select id, credentials from emr_connection where credentials is not null order by created_at",
                (rs, i) -> new SealedCredentials(rs.getString(1), rs.getString(2)));
    }

    /** Replaces a connection's sealed credentials if they are still {@code expected}; whether it did. */
    public boolean replaceSealedCredentials(String connectionId, String expected, String sealed) {
        return jdbc.update("update emr_connection set credentials = ? where id = ? and credentials = ?", sealed, connectionId,
                expected) == 1;
    }

    public void updateConnection(ConnectionAdminRow row) {
        jdbc.update("update emr_connection set name = ?, emr_type = ?, base_url = ?, settings = ?, credentials = ?, status = ? where id = ?",
                row.name(), row.emrType(), row.baseUrl(), row.settings(), row.sealedCredentials(), row.status(), row.id());
    }

    public void insertConnection(ConnectionAdminRow row) {
        jdbc.update("""
                insert into emr_connection(id, name, emr_type, base_url, settings, credentials, status, created_at)
                values (?,?,?,?,?,?,?,?)""", row.id(), row.name(), row.emrType(), row.baseUrl(), row.settings(),
                row.sealedCredentials(), row.status(), now());
    }

    public void setConnectionStatus(String id, String status) {
        jdbc.update("update emr_connection set status = ? where id = ?", status, id);
    }

    /** A token as operators see it: never its hash. */
    public record TokenSummary(String id, String clientPk, String connectionId, String emrUserEhrId, String referenceId,
            String status, Instant expiresAt, Instant createdAt) {
    }

    private static final String TOKEN_SUMMARY_COLUMNS =
            "select id, client_pk, connection_id, emr_user_ehr_id, reference_id, status, expires_at, created_at from access_token";

    private static TokenSummary tokenSummary(ResultSet rs, int i) throws SQLException {
        return new TokenSummary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)));
    }

    public List<TokenSummary> tokens(String clientPk) {
        return jdbc.query(TOKEN_SUMMARY_COLUMNS + " where client_pk = ? order by created_at", TenancyRepository::tokenSummary,
                clientPk);
    }

    public Optional<TokenSummary> token(String id) {
        return jdbc.query(TOKEN_SUMMARY_COLUMNS + " where id = ?", TenancyRepository::tokenSummary, id).stream().findFirst();
    }

    public Optional<TokenSummary> tokenByReference(String clientPk, String referenceId) {
        return jdbc.query(TOKEN_SUMMARY_COLUMNS + " where client_pk = ? and reference_id = ? and status <> 'revoked'",
                TenancyRepository::tokenSummary, clientPk, referenceId).stream().findFirst();
    }

    public void updateToken(String id, String tokenHash, String connectionId, String emrUserEhrId, Instant expiresAt) {
        jdbc.update("""
                update access_token set token_hash = ?, connection_id = ?, emr_user_ehr_id = ?, expires_at = ?, status = 'active'
                 where id = ?""", tokenHash, connectionId, emrUserEhrId, expiresAt == null ? null : Timestamp.from(expiresAt), id);
    }

    public void insertToken(String id, String tokenHash, String clientPk, String connectionId, String emrUserEhrId,
            String referenceId, Instant expiresAt) {
        insertToken(id, tokenHash, clientPk, connectionId, emrUserEhrId, referenceId);
        if (expiresAt != null) {
            jdbc.update("update access_token set expires_at = ? where id = ?", Timestamp.from(expiresAt), id);
        }
    }

    /** The EMR user an access token acts as (Caller.emrUserEhrId). */
    public String tokenEmrUserEhrId(String tokenId) {
        return tokenUsers.get(tokenId, id -> jdbc.queryForObject("select emr_user_ehr_id from access_token where id = ?",
                String.class, id));
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
