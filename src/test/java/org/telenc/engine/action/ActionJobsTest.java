package org.telenc.engine.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.extension.Extensions;
import org.telenc.engine.job.EmrFailures;
import org.telenc.engine.job.EmrRetryPolicy;
import org.telenc.engine.job.JobQueue;
import org.telenc.engine.support.Json;
import org.telenc.engine.teamroutes.TeamRouteSwaps;

/** What an EMR failure means for an action, the note line and the retry message, without a running Camel. */
class ActionJobsTest {

    static final Instant ACCEPTED = Instant.parse("2026-11-24T15:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    ActionJobs jobs(Instant now) {
        var retry = new EngineProperties.Emr.Retry(3, 500, Duration.ofHours(1), List.of(Duration.ofSeconds(5)), 0);
        var properties = new EngineProperties("./data", null, null, null, new EngineProperties.Emr(10000, retry), null);
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        // a real Extensions: the action's connection names no extension, so no hook runs
        Extensions extensions = new Extensions(new DefaultCamelContext(), null, new SimpleMeterRegistry(), JSON,
                new TeamRouteSwaps(), Duration.ofMillis(200));
        return new ActionJobs(null, null, null, new JobQueue(JSON, null, null),
                new EmrFailures(new EmrRetryPolicy(properties, clock)), null, JSON, clock, extensions);
    }

    static ActionJob action(ZoneId zone, int attempt) {
        var d = EmrConnection.FhirSettings.defaults();
        var settings = new EmrConnection.FhirSettings(d.mrnSystem(), d.jobIdentifierSystem(), d.pharmacyExtensionUrl(),
                d.pharmacyTypeSystem(), d.pharmacyTypeCode(), d.templateExtensionUrl(), d.npiSystem(), zone);
        return new ActionJob("a".repeat(32), 1042, "client", "clinic-42",
                new EmrConnection("conn", "fhir-r4", "http://emr.invalid/fhir", settings,
                        org.telenc.engine.emr.auth.EmrAuthSettings.none(), "active"), "enc-1", "Called back",
                true, "12220", false, ACCEPTED, attempt);
    }

    @Test
    void aRetryableFailureWithinTheWindowDefersTheAction() {
        ActionJob action = action(ZoneOffset.UTC, 1);
        jobs(ACCEPTED.plusSeconds(30)).emrFailed(action, new EmrRetryableException(503, "EMR call read-encounter answered HTTP 503"));
        assertThat(action.deferred()).isTrue();
        assertThat(action.retryDelayMillis()).isEqualTo(5_000);
        assertThat(action.outcome()).isNull();
        assertThat(action.pending()).isFalse();

        ActionJob io = action(ZoneOffset.UTC, 3);
        jobs(ACCEPTED.plusSeconds(30)).emrFailed(io, new IOException("connection refused"));
        assertThat(io.deferred()).isTrue();
        assertThat(jobs(ACCEPTED).retryMessage(io))
                .isEqualTo(Json.object("action_id", "a".repeat(32), "job_id", "1042", "emr_attempt", 4));
    }

    @Test
    void afterTheWindowARetryableFailureIsEmrUnavailable() {
        ActionJob action = action(ZoneOffset.UTC, 9);
        jobs(ACCEPTED.plus(Duration.ofHours(2))).emrFailed(action, new EmrRetryableException(503, "x"));
        assertThat(action.outcome()).isEqualTo(ActionOutcome.FAILED);
        assertThat(action.failures()).containsExactly(
                new ActionJob.Reason("emr_unavailable", "The EMR was unavailable (HTTP 503)"));

        ActionJob io = action(ZoneOffset.UTC, 9);
        jobs(ACCEPTED.plus(Duration.ofHours(2))).emrFailed(io, new IOException("timeout"));
        assertThat(io.failures()).containsExactly(new ActionJob.Reason("emr_unavailable", "The EMR could not be reached"));
    }

    @Test
    void permanentFailuresAreLoginRequiredOrEmrRejected() {
        ActionJob refused = action(ZoneOffset.UTC, 1);
        jobs(ACCEPTED).emrFailed(refused, new EmrPermanentException("login_required", 401, "x"));
        assertThat(refused.failures()).containsExactly(
                new ActionJob.Reason("login_required", "The EMR refused the engine's credentials (HTTP 401)"));

        ActionJob rejected = action(ZoneOffset.UTC, 1);
        jobs(ACCEPTED).emrFailed(rejected, new EmrPermanentException("emr_rejected", 422, "x"));
        assertThat(rejected.failures()).containsExactly(
                new ActionJob.Reason("emr_rejected", "The EMR rejected the request (HTTP 422)"));
        assertThat(rejected.deferred()).isFalse();
    }

    @Test
    void theNoteIsStampedNowInTheConnectionsZone() {
        ActionJob action = action(ZoneId.of("America/New_York"), 1);
        action.recordActingUserName("Jane Nurse");
        Instant now = Instant.parse("2026-11-24T15:15:00Z");
        jobs(now).composeNote(action);
        assertThat(action.noteLine()).isEqualTo("[2026-11-24 10:15 EST] Jane Nurse: Called back");
        assertThat(action.notedAt()).isEqualTo(now);
    }

    @Test
    void toStringNeverPrintsTheText() {
        assertThat(action(ZoneOffset.UTC, 1).toString()).doesNotContain("Called back");
    }
}
