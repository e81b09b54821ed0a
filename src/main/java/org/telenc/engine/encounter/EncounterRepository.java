package org.telenc.engine.encounter;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Telephone encounters (the outcome row) and their stored request payloads (PHI, purgeable). */
@Repository
public class EncounterRepository {

    private final JdbcTemplate jdbc;

    public EncounterRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record EncounterRow(String id, long jobId, String clientPk, String accessTokenId, String connectionId,
            String status, String emrAppointmentId, String reasonsJson, Instant createdAt, Instant updatedAt) {
    }

    /** Stores an accepted request with status processing; returns its job id. */
    @Transactional
    public long insertAccepted(String id, String clientPk, String accessTokenId, String connectionId, String payloadJson) {
        Long jobId = jdbc.queryForObject("select nextval('job_id_seq')", Long.class);
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("""
                insert into telephone_encounter(id, job_id, client_pk, access_token_id, connection_id, status, created_at, updated_at)
                values (?,?,?,?,?, 'processing', ?, ?)""", id, jobId, clientPk, accessTokenId, connectionId, now, now);
        jdbc.update("insert into telephone_encounter_request(encounter_id, payload, created_at) values (?,?,?)",
                id, payloadJson, now);
        return jobId;
    }

    /** Undoes {@link #insertAccepted} when the request could not be queued. */
    @Transactional
    public void delete(String id) {
        jdbc.update("delete from telephone_encounter_request where encounter_id = ?", id);
        jdbc.update("delete from telephone_encounter where id = ?", id);
    }

    public Optional<EncounterRow> find(String id) {
        return jdbc.query("""
                select id, job_id, client_pk, access_token_id, connection_id, status, emr_appointment_id, reasons, created_at, updated_at
                  from telephone_encounter where id = ?""",
                (rs, i) -> new EncounterRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.getTimestamp(9).toInstant(), rs.getTimestamp(10).toInstant()), id).stream().findFirst();
    }

    public Optional<String> payload(String id) {
        return jdbc.queryForList("select payload from telephone_encounter_request where encounter_id = ?", String.class, id)
                .stream().findFirst();
    }

    public void updateOutcome(String id, String status, String emrAppointmentId, String reasonsJson) {
        jdbc.update("update telephone_encounter set status = ?, emr_appointment_id = ?, reasons = ?, updated_at = ? where id = ?",
                status, emrAppointmentId, reasonsJson, Timestamp.from(Instant.now()), id);
    }
}
