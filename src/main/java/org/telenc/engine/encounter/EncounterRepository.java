package org.telenc.engine.encounter;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.job.StoredJob;

/** Telephone encounters (the outcome row) and their stored request payloads (PHI, purgeable). */
@Repository
public class EncounterRepository {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public EncounterRepository(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    public record EncounterRow(String id, long jobId, String clientPk, String accessTokenId, String connectionId,
            String status, String emrAppointmentId, String reasonsJson, Instant createdAt, Instant updatedAt) implements StoredJob {
    }

    /** Stores an accepted request with status processing; returns its job id. */
    @Transactional
    public long insertAccepted(String id, String clientPk, String accessTokenId, String connectionId, String payloadJson) {
        Long jobId = jdbc.queryForObject("select nextval('job_id_seq')", Long.class);
        Timestamp now = now();
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

    /** A consumer picked the job up: the sweeper leaves it alone from now on. */
    public void markStarted(String id) {
        jdbc.update("update telephone_encounter set started_at = ? where id = ? and started_at is null",
                now(), id);
    }

    /** A stored request no consumer has picked up: what the sweeper re-queues. */
    public record Unstarted(String id, long jobId, String connectionId, String payload) {
    }

    /**
     * Requests still processing that no consumer has started, stored before {@code storedBefore} and
     * not swept since then; marks them swept. At most {@code limit}.
     */
    @Transactional
    public List<Unstarted> sweepUnstarted(Instant storedBefore, int limit) {
        Timestamp before = Timestamp.from(storedBefore);
        List<Unstarted> rows = jdbc.query("""
                select t.id, t.job_id, t.connection_id, r.payload
                  from telephone_encounter t join telephone_encounter_request r on r.encounter_id = t.id
                 where t.status = 'processing' and t.started_at is null and t.created_at < ?
                   and (t.swept_at is null or t.swept_at < ?)
                 order by t.created_at
                 limit ?""", (rs, i) -> new Unstarted(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4)),
                before, before, limit);
        Timestamp now = now();
        rows.forEach(row -> jdbc.update("update telephone_encounter set swept_at = ? where id = ?", now, row.id()));
        return rows;
    }

    public Optional<String> payload(String id) {
        return jdbc.queryForList("select payload from telephone_encounter_request where encounter_id = ?", String.class, id)
                .stream().findFirst();
    }

    public void updateOutcome(String id, String status, String emrAppointmentId, String reasonsJson) {
        jdbc.update("update telephone_encounter set status = ?, emr_appointment_id = ?, reasons = ?, updated_at = ? where id = ?",
                status, emrAppointmentId, reasonsJson, now(), id);
    }
}
