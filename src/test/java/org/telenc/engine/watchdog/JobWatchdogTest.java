package org.telenc.engine.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.encounter.EncounterRepository;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * No job stays processing for ever. A job still processing long after its acceptance (here a stored
 * request whose queue message is gone, as a stranded message group or a lost message leaves it) is
 * queued again once by the watchdog, in a group of its own, and completes; one the watchdog already
 * queued again that is still processing after the grace ends failed (internal_error) with its
 * webhook. Both are counted (telenc_watchdog_jobs_total) and logged in a WARN line naming the
 * request and job ids, never the request's content. The whole engine: broker, database, sandbox EMR,
 * webhook receiver.
 */
@ExtendWith(OutputCaptureExtension.class)
class JobWatchdogTest extends EngineTest {

    static final String MRN = "100236";
    static final String BODY = Json.object("patient_mrn", MRN, "provider_id", "12241", "location_id", "31",
            "assigned_to_id", "12220", "caller", "Watchdog Caller");

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TenancyRepository tenancy;
    @Autowired
    EncounterRepository encounters;
    @Autowired
    MeterRegistry meters;

    /** A stored request no queue message will ever bring to a consumer, accepted three hours ago. */
    String stuckSinceHoursAgo(Timestamp watchdogAt) {
        var token = tenancy.findToken(Secrets.sha256Hex(ACCESS_TOKEN)).orElseThrow();
        String id = Secrets.newId();
        encounters.insertAccepted(id, token.clientPk(), token.id(), token.connectionId(), BODY);
        // swept_at now: the intake sweeper (a job never started) leaves it to the watchdog here
        jdbc.update("update telephone_encounter set created_at = ?, swept_at = ?, watchdog_at = ? where id = ?",
                Timestamp.from(Instant.now().minus(Duration.ofHours(3))), Timestamp.from(Instant.now()), watchdogAt, id);
        return id;
    }

    double count(String action) {
        var counter = meters.find("telenc.watchdog.jobs").tag("kind", "encounter").tag("action", action).counter();
        return counter == null ? 0 : counter.count();
    }

    String status(String id) {
        return jdbc.queryForObject("select status from telephone_encounter where id = ?", String.class, id);
    }

    @Test
    void aJobProcessingFarPastItsBudgetIsQueuedAgainOnceAndCompletes(CapturedOutput output) throws Exception {
        String id = stuckSinceHoursAgo(null);
        double requeued = count("requeued");

        camel.requestBody("direct:job-watchdog", (Object) null);

        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(status(id)).isEqualTo("completed");
        assertThat(count("requeued")).isEqualTo(requeued + 1);
        assertThat(jdbc.queryForObject("select watchdog_at from telephone_encounter where id = ?", Timestamp.class, id))
                .isNotNull();
        assertThat(output.getAll().lines().filter(l -> l.contains(" WARN ") && l.contains("watchdog") && l.contains(id)))
                .singleElement().asString().contains("queued again").doesNotContain(MRN, "Watchdog Caller");

        // finished now: a second run finds nothing of it
        camel.requestBody("direct:job-watchdog", (Object) null);
        assertThat(count("requeued")).isEqualTo(requeued + 1);
    }

    @Test
    void aJobStillProcessingAfterItWasQueuedAgainEndsFailedWithItsWebhook(CapturedOutput output) throws Exception {
        String id = stuckSinceHoursAgo(Timestamp.from(Instant.now().minus(Duration.ofMinutes(20))));
        double failed = count("failed");
        double requeued = count("requeued");

        camel.requestBody("direct:job-watchdog", (Object) null);

        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.failed");
        JsonNode reasons = event.path("data").path("reasons");
        assertThat(reasons).hasSize(1);
        assertThat(reasons.get(0).path("code").asText()).isEqualTo("internal_error");
        assertThat(status(id)).isEqualTo("failed");
        assertThat(count("failed")).isEqualTo(failed + 1);
        assertThat(count("requeued")).isEqualTo(requeued);
        assertThat(output.getAll().lines().filter(l -> l.contains(" WARN ") && l.contains("watchdog") && l.contains(id)))
                .singleElement().asString().contains("ends failed (internal_error)").doesNotContain(MRN, "Watchdog Caller");
        assertThat(jdbc.queryForObject("select count(*) from webhook_event where encounter_id = ?", Integer.class, id))
                .isEqualTo(1);
    }

    @Test
    void aJobWithinItsBudgetIsLeftAlone() throws Exception {
        var token = tenancy.findToken(Secrets.sha256Hex(ACCESS_TOKEN)).orElseThrow();
        String id = Secrets.newId();
        encounters.insertAccepted(id, token.clientPk(), token.id(), token.connectionId(), BODY);
        jdbc.update("update telephone_encounter set created_at = ?, swept_at = ? where id = ?",
                Timestamp.from(Instant.now().minus(Duration.ofMinutes(90))), Timestamp.from(Instant.now()), id);
        try {
            double requeued = count("requeued");
            camel.requestBody("direct:job-watchdog", (Object) null);
            assertThat(count("requeued")).isEqualTo(requeued);
            assertThat(jdbc.queryForObject("select watchdog_at from telephone_encounter where id = ?", Timestamp.class, id))
                    .isNull();
        } finally {
            jdbc.update("update telephone_encounter set status = 'failed' where id = ?", id);
        }
    }
}
