package org.telenc.engine.tenancy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Clients, EMR connections and access tokens. */
@Repository
public class TenancyRepository {

    private final JdbcTemplate jdbc;

    public TenancyRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record ClientRow(String id, String clientId, String secretHash, String status) {
    }

    public record TokenRow(String id, String clientPk, String connectionId, String emrUserEhrId, String referenceId,
            String status, Instant expiresAt, String emrType, String connectionStatus) {
    }

    public record ConnectionRow(String id, String name, String emrType, String baseUrl, String settings, String status) {
    }

    public Optional<ClientRow> findClient(String clientId) {
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
        return jdbc.queryForObject("select reference_id from access_token where id = ?", String.class, tokenId);
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
