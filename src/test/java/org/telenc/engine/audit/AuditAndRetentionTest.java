package org.telenc.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.TestDatabase;
import org.telenc.engine.support.Json;

/**
 * The audit log records who did what (client, token reference, operation, ids,
 * outcome) with no PHI in clear, and cannot be rewritten on PostgreSQL; retention purges request
 * payloads of finished jobs and keeps their outcomes.
 */
class AuditAndRetentionTest extends EngineTest {

    @Autowired
    JdbcTemplate jdbc;

    List<Map<String, Object>> auditFor(String objectId) {
        return jdbc.queryForList("select actor_type, actor, token_reference, operation, object_id, outcome from audit_log "
                + "where object_id = ? order by id", objectId);
    }

    @Test
    void everyAnswerAndOutcomeIsAuditedWithoutPhi() throws Exception {
        String caller = "Zebulon " + UUID.randomUUID();
        String mrn = "100234";
        String body = Json.object("patient_mrn", mrn, "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220",
                "caller", caller, "message", "Secret message " + caller);
        long before = jdbc.queryForObject("select coalesce(max(id), 0) from audit_log", Long.class);
        String id = JSON.readTree(post("/v1/telephone-encounters", body).body()).path("telephone_encounter_id").asText();
        receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30));
        post("/v1/telephone-encounters", body.replace("12241", "99999"));
        send(HttpRequest.newBuilder(uri("/v1/telephone-encounters")).header("Content-Type", "application/json")
                .header("client_id", CLIENT_ID).header("client_secret", "wrong").header("access_token", ACCESS_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        send(HttpRequest.newBuilder(uri("/admin/v1/clients")).header("Authorization", "Bearer demo-admin-token").GET());

        assertThat(auditFor(id)).extracting(r -> r.get("actor_type") + "|" + r.get("actor") + "|" + r.get("token_reference") + "|"
                + r.get("operation") + "|" + r.get("outcome")).containsExactly(
                "client|demo-client|demo-clinic|rest-create-telephone-encounter|200",
                "system|process|null|telephone-encounter-finished|telephone_encounter.created");
        List<Map<String, Object>> rows = jdbc.queryForList("select * from audit_log where id > ? order by id", before);
        assertThat(rows).extracting(r -> String.valueOf(r.get("outcome")))
                .contains("404 provider_not_found", "401 invalid_client_credentials");
        assertThat(rows).anyMatch(r -> "admin".equals(r.get("actor_type")) && "rest-admin-list-clients".equals(r.get("operation")));
        assertThat(rows).filteredOn(r -> "401 invalid_client_credentials".equals(r.get("outcome")))
                .allMatch(r -> r.get("actor") == null);
        String everything = rows.toString();
        assertThat(everything).doesNotContain(caller).doesNotContain("Secret message").doesNotContain(mrn);
    }

    @Test
    void theAuditLogIsAppendOnlyOnPostgresql() {
        jdbc.update("insert into audit_log(at, actor_type, actor, operation, outcome) values (?, 'system', 'test', 'probe', 'ok')",
                Timestamp.from(Instant.now()));
        if (TestDatabase.postgresql()) {
            assertThatThrownBy(() -> jdbc.update("update audit_log set outcome = 'changed' where operation = 'probe'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> jdbc.update("delete from audit_log where operation = 'probe'"))
                    .hasMessageContaining("append-only");
        } else {
            // H2 (the zero-set-up default) has no such trigger: the engine itself only ever inserts
            assertThat(jdbc.queryForObject("select count(*) from audit_log where operation = 'probe'", Integer.class)).isPositive();
        }
    }

    @Test
    void retentionPurgesPayloadsOfFinishedRequestsAndKeepsTheirOutcome() throws Exception {
        String finished = JSON.readTree(post("/v1/telephone-encounters", encounterBody("100236", null, null)).body())
                .path("telephone_encounter_id").asText();
        receiver.awaitOne(b -> b.contains(finished), Duration.ofSeconds(30));
        Timestamp old = Timestamp.from(Instant.now().minus(Duration.ofDays(40)));
        jdbc.update("update telephone_encounter_request set created_at = ? where encounter_id = ?", old, finished);
        // a request still being processed (deferred by an EMR outage, say) keeps its payload however old
        String processing = JSON.readTree(post("/v1/telephone-encounters", encounterBody("100236", null, null)).body())
                .path("telephone_encounter_id").asText();
        receiver.awaitOne(b -> b.contains(processing), Duration.ofSeconds(30));
        jdbc.update("update telephone_encounter set status = 'processing' where id = ?", processing);
        jdbc.update("update telephone_encounter_request set created_at = ? where encounter_id = ?", old, processing);
        // each job's timeline steps (its EMR calls), as old: they go with the finished job's payload only
        long finishedJob = jdbc.queryForObject("select job_id from telephone_encounter where id = ?", Long.class, finished);
        long processingJob = jdbc.queryForObject("select job_id from telephone_encounter where id = ?", Long.class, processing);
        String steps = "select count(*) from job_step where job_id = ?";
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(steps, Long.class, finishedJob) > 0
                && jdbc.queryForObject(steps, Long.class, processingJob) > 0);
        jdbc.update("update job_step set at = ? where job_id in (?, ?)", old, finishedJob, processingJob);
        try {
            camel.requestBody("direct:retention-purge", (Object) null);
            assertThat(jdbc.queryForObject(steps, Long.class, finishedJob)).as("steps of the finished job").isZero();
            assertThat(jdbc.queryForObject(steps, Long.class, processingJob)).as("steps of the job in flight").isPositive();
            assertThat(jdbc.queryForObject("select count(*) from telephone_encounter_request where encounter_id = ?", Integer.class,
                    finished)).isZero();
            assertThat(jdbc.queryForObject("select count(*) from telephone_encounter_request where encounter_id = ?", Integer.class,
                    processing)).isEqualTo(1);
            var status = JSON.readTree(get("/v1/telephone-encounters/" + finished).body()).path("telephone_encounter");
            assertThat(status.path("status").asText()).isEqualTo("completed");
            assertThat(status.path("emr_appointment_id").asText()).isNotEmpty();
        } finally {
            jdbc.update("update telephone_encounter set status = 'completed' where id = ?", processing);
        }
    }
}
