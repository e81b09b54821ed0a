package org.telenc.engine.action;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.job.StoredJob;

/** Add-action requests (table telephone_encounter_action): the request payload (PHI) and the outcome. */
@Repository
public class ActionRepository {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ActionRepository(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    public record ActionRow(String id, long jobId, String clientPk, String accessTokenId, String connectionId,
            String emrAppointmentId, String payload, String status, String noteId, String reasonsJson, Instant createdAt,
            Instant updatedAt) implements StoredJob {
    }

    /** Stores an accepted action with status processing; returns its job id (the encounters' sequence). */
    @Transactional
    public long insertAccepted(String id, String clientPk, String accessTokenId, String connectionId,
            String emrAppointmentId, String payloadJson) {
        Long jobId = jdbc.queryForObject("select nextval('job_id_seq')", Long.class);
        Timestamp now = now();
        jdbc.update("""
                insert into telephone_encounter_action(id, job_id, client_pk, access_token_id, connection_id, emr_appointment_id,
                                                       payload, status, created_at, updated_at)
                values (?,?,?,?,?,?,?, 'processing', ?, ?)""", id, jobId, clientPk, accessTokenId, connectionId,
                emrAppointmentId, payloadJson, now, now);
        return jobId;
    }

    /** Undoes {@link #insertAccepted} when the action could not be queued. */
    public void delete(String id) {
        jdbc.update("delete from telephone_encounter_action where id = ?", id);
    }

    public Optional<ActionRow> find(String id) {
        return jdbc.query("""
                select id, job_id, client_pk, access_token_id, connection_id, emr_appointment_id, payload, status, note_id,
                       reasons, created_at, updated_at
                  from telephone_encounter_action where id = ?""",
                (rs, i) -> new ActionRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                        rs.getTimestamp(11).toInstant(), rs.getTimestamp(12).toInstant()), id).stream().findFirst();
    }

    /**
     * Whether one of this client's own requests on this connection created the EMR encounter
     * {@code emrAppointmentId} (the id its outcome recorded and GET /v1/telephone-encounters/{id} shows).
     */
    public boolean createdByClient(String clientPk, String connectionId, String emrAppointmentId) {
        if (emrAppointmentId == null) {
            return false;
        }
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                select count(*) > 0 from telephone_encounter
                 where connection_id = ? and emr_appointment_id = ? and client_pk = ?""", Boolean.class,
                connectionId, emrAppointmentId, clientPk));
    }

    public void updateOutcome(String id, String status, String noteId, String reasonsJson) {
        jdbc.update("update telephone_encounter_action set status = ?, note_id = ?, reasons = ?, updated_at = ? where id = ?",
                status, noteId, reasonsJson, now(), id);
    }
}
