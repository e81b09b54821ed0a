package org.telenc.engine.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Retention: request payloads (the PHI a request carried) are purged
 * {@code engine.retention.request-payload} after the request, once its job has finished; the
 * outcome (status, EMR id, reasons) and the webhook event stay. The steps of a finished job's timeline
 * ({@code job_step}: its EMR calls and extension points) older than that go with them; expired
 * Idempotency-Keys go too.
 */
@Component("retentionPurge")
public class RetentionPurge {

    private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);
    private static final Duration IDEMPOTENCY_KEYS = Duration.ofHours(24);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration payloads;
    private final AuditLog audit;

    public RetentionPurge(JdbcTemplate jdbc, Clock clock, @Value("${engine.retention.request-payload:30d}") Duration payloads,
            AuditLog audit) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.payloads = payloads;
        this.audit = audit;
    }

    /** Purges what is due; returns how many of each kind. */
    @Transactional
    public Map<String, Integer> purge() {
        Timestamp before = Timestamp.from(clock.instant().minus(payloads));
        int encounters = jdbc.update("""
                delete from telephone_encounter_request r
                 where r.created_at < ?
                   and exists (select 1 from telephone_encounter t where t.id = r.encounter_id and t.status <> 'processing')""",
                before);
        int actions = jdbc.update("""
                update telephone_encounter_action set payload = null
                 where payload is not null and created_at < ? and status <> 'processing'""", before);
        // a job's timeline (EMR calls, extension points) goes with its request's payload: once the job has finished
        int steps = jdbc.update("""
                delete from job_step s
                 where s.at < ?
                   and not exists (select 1 from telephone_encounter t where t.job_id = s.job_id and t.status = 'processing')
                   and not exists (select 1 from telephone_encounter_action a where a.job_id = s.job_id and a.status = 'processing')""",
                before);
        int keys = jdbc.update("delete from idempotency_key where created_at < ?",
                Timestamp.from(clock.instant().minus(IDEMPOTENCY_KEYS)));
        if (encounters + actions + keys + steps > 0) {
            log.info("retention: {} request payload(s), {} action payload(s), {} job step(s), {} expired Idempotency-Key(s) purged",
                    encounters, actions, steps, keys);
            audit.system("retention", "purge", null, encounters + " requests, " + actions + " actions, " + steps + " steps, "
                    + keys + " keys");
        }
        return Map.of("request_payloads", encounters, "action_payloads", actions, "job_steps", steps, "idempotency_keys", keys);
    }
}
