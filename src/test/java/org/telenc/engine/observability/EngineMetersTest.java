package org.telenc.engine.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.telenc.engine.action.ActionJob;
import org.telenc.engine.api.ApiResponse;
import org.telenc.engine.emr.EmrCallGuard;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.emr.fhir.FhirCall;
import org.telenc.engine.encounter.EncounterJob;
import org.telenc.engine.encounter.TelephoneEncounterRequest;
import org.telenc.engine.webhook.WebhookDeliveries;
import org.telenc.engine.webhook.WebhookDestinationGuard;

/** The engine's meters and the route-facing bean that feeds them, without Camel or Spring. */
class EngineMetersTest {

    final MockClock clock = new MockClock();
    final MeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    final EngineMeters meters = new EngineMeters(registry);
    final FlowMeters flow = new FlowMeters(meters);

    double count(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void intakeAnswersAreCountedByOutcomeErrorCodeAndChannel() {
        flow.intakeAnswered(ApiResponse.ok("{\"success\":true}"), null);
        flow.intakeAnswered(new ApiResponse(400, "{\"success\":false,\"error\":\"missing_required_field\",\"message\":\"x\"}", null), "mq");
        flow.intakeAnswered(new ApiResponse(401, "{\"success\":false,\"error\":\"invalid_client_credentials\"}", null), "http");

        assertThat(count("telenc.intake.requests", "outcome", "accepted", "error", "none", "channel", "http")).isEqualTo(1);
        assertThat(count("telenc.intake.requests", "outcome", "rejected", "error", "missing_required_field", "channel", "mq")).isEqualTo(1);
        assertThat(count("telenc.intake.requests", "outcome", "rejected", "error", "invalid_client_credentials", "channel", "http"))
                .isEqualTo(1);
        assertThat(flow.intakeChannel(null)).isEqualTo("http");
        assertThat(flow.intakeChannel("mq")).isEqualTo("mq");
        assertThat(flow.intakeChannel("anything else")).isEqualTo("http");
    }

    @Test
    void labelValuesAreBoundedWhateverTheyAreGiven() {
        meters.intakeAnswered("carrier-pigeon", false, "Jane Doe 100234");
        meters.intakeAnswered("http", false, "x".repeat(200));
        meters.encounterEnded("exploded", List.of("Reason: lisinopril"));
        meters.webhookAttempt("maybe");
        meters.emrCall("/Patient?identifier=urn|100234", "unknown", Duration.ofMillis(5));

        assertThat(count("telenc.intake.requests", "outcome", "rejected", "error", "other", "channel", "other")).isEqualTo(1);
        assertThat(count("telenc.intake.requests", "outcome", "rejected", "error", "other", "channel", "http")).isEqualTo(1);
        assertThat(count("telenc.encounters", "status", "other", "reason", "other")).isEqualTo(1);
        assertThat(count("telenc.webhook.attempts", "result", "other")).isEqualTo(1);
        assertThat(registry.find("telenc.emr.call").tags("operation", "other", "outcome", "other").timer()).isNotNull();
        for (Meter meter : registry.getMeters()) {
            for (var tag : meter.getId().getTags()) {
                assertThat(tag.getValue()).doesNotContain("100234").doesNotContain("Jane").doesNotContain("lisinopril");
                assertThat(tag.getValue().length()).isLessThanOrEqualTo(64);
            }
        }
    }

    @Test
    void aJobIsCountedOnceWithItsStatusAndFirstReason() {
        EncounterJob created = job(false);
        created.recordEncounter("enc-1");
        flow.encounterEnded(created);
        EncounterJob partial = job(false);
        partial.recordEncounter("enc-2");
        partial.partial("refill_not_added", "no refill");
        partial.partial("pharmacy_not_added", "no pharmacy");
        flow.encounterEnded(partial);
        EncounterJob failed = job(false);
        failed.fail("patient_not_found", "no patient");
        flow.encounterEnded(failed);
        EncounterJob redelivered = job(true);
        redelivered.fail("patient_not_found", "no patient");
        flow.encounterEnded(redelivered);

        assertThat(count("telenc.encounters", "status", "created", "reason", "none")).isEqualTo(1);
        assertThat(count("telenc.encounters", "status", "created_partial", "reason", "refill_not_added")).isEqualTo(1);
        assertThat(count("telenc.encounters", "status", "failed", "reason", "patient_not_found"))
                .as("a redelivered job that had already finished is not counted again").isEqualTo(1);
    }

    @Test
    void actionsAreCountedByStatusAndFirstReason() {
        ActionJob created = action(false);
        created.recordNoteId("note-1");
        flow.actionEnded(created);
        ActionJob failed = action(false);
        failed.fail("encounter_not_found", "gone");
        flow.actionEnded(failed);
        ActionJob again = action(true);
        again.fail("encounter_not_found", "gone");
        flow.actionEnded(again);

        assertThat(count("telenc.actions", "status", "created", "reason", "none")).isEqualTo(1);
        assertThat(count("telenc.actions", "status", "failed", "reason", "encounter_not_found")).isEqualTo(1);
    }

    @Test
    void webhookAttemptsAreSortedIntoTheirResults() {
        var success = new WebhookDeliveries.Result("d", "success", null, null);
        var retry = new WebhookDeliveries.Result("d", "pending", 5000L, "{}");
        var failed = new WebhookDeliveries.Result("d", "failed", null, "{}");
        var gone = new WebhookDeliveries.Result("d", "failed", null, null);

        assertThat(FlowMeters.webhookResult(success, 204, null)).isEqualTo("success");
        assertThat(FlowMeters.webhookResult(retry, 503, null)).isEqualTo("retry");
        assertThat(FlowMeters.webhookResult(retry, null, new IOException("refused"))).isEqualTo("retry");
        assertThat(FlowMeters.webhookResult(failed, 400, null)).isEqualTo("failed");
        assertThat(FlowMeters.webhookResult(failed, 503, null)).as("retries exhausted").isEqualTo("failed");
        assertThat(FlowMeters.webhookResult(gone, 410, null)).isEqualTo("gone");
        assertThat(FlowMeters.webhookResult(failed, null, new WebhookDestinationGuard.BlockedDestinationException()))
                .isEqualTo("blocked");

        flow.webhookAttempt(retry, 503, null);
        flow.webhookAttempt(success, 200, null);
        flow.webhookAttempt(gone, 200, new IOException("a failure wins over a stale status header"));
        assertThat(count("telenc.webhook.attempts", "result", "retry")).isEqualTo(1);
        assertThat(count("telenc.webhook.attempts", "result", "success")).isEqualTo(1);
        assertThat(count("telenc.webhook.attempts", "result", "failed")).isEqualTo(1);
    }

    @Test
    void emrCallsAreTimedByOperationAndOutcome() {
        FhirCall call = FhirCall.get("find-patient", "https://emr.example/Patient?identifier=urn%7C100234");
        Timer.Sample sample = flow.emrCallStarted();
        clock.add(120, TimeUnit.MILLISECONDS);
        flow.emrCallAnswered(sample, call, 200, null);
        flow.emrCallAnswered(flow.emrCallStarted(), call, 503, null);
        flow.emrCallAnswered(flow.emrCallStarted(), call, 422, null);
        flow.emrCallNoAnswer(flow.emrCallStarted(), call, null);

        Timer ok = registry.find("telenc.emr.call").tags("operation", "find-patient", "outcome", "ok").timer();
        assertThat(ok.count()).isEqualTo(1);
        assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(120);
        assertThat(registry.find("telenc.emr.call").tags("operation", "find-patient", "outcome", "retryable").timer().count())
                .isEqualTo(2);
        assertThat(registry.find("telenc.emr.call").tags("operation", "find-patient", "outcome", "permanent").timer().count())
                .isEqualTo(1);
    }

    @Test
    void eachConnectionsCircuitIsAGaugeLabelledWithItsId() {
        EmrCallGuard guard = new EmrCallGuard(50, 4, Duration.ofSeconds(30));
        guard.state("before"); // a breaker made before the gauges are bound is followed too
        new EmrCircuitGauges(guard, registry);
        EmrConnection dead = connection("3f5c0b9e8d7a4c2e9b1f6a0d4e2c8b7a");
        for (int i = 0; i < 4; i++) {
            guard.beforeCall(dead);
            guard.afterResponse(dead, 503);
        }

        assertThat(registry.find(EmrCircuitGauges.NAME).tags("connection", "before").gauge().value()).isZero();
        assertThat(registry.find(EmrCircuitGauges.NAME).tags("connection", dead.id()).gauge().value()).isEqualTo(2);
        assertThat(EmrCircuitGauges.value("HALF_OPEN")).isEqualTo(1);
        assertThat(EmrCircuitGauges.value("CLOSED")).isZero();
    }

    @Test
    void queueDepthsCoverTheEngineQueuesAndTheirDeadLetterQueues() {
        assertThat(QueueDepthGauges.queues()).contains("telephone-encounters.requests", "telephone-encounters.actions",
                "telephone-encounters.submit", "webhooks.deliver", "webhooks.deliver.retry", "DLQ.webhooks.deliver",
                "DLQ.telephone-encounters.requests").doesNotContain("DLQ.telephone-encounters.submit.rejected");
    }

    static EmrConnection connection(String id) {
        return new EmrConnection(id, "fhir-r4", "https://emr.example/fhir", EmrConnection.FhirSettings.defaults(),
                EmrAuthSettings.none(), "active");
    }

    static EncounterJob job(boolean alreadyFinished) {
        return new EncounterJob("te-1", 1, "client", "ref", connection("c1"), new TelephoneEncounterRequest(Map.of(), Map.of()),
                alreadyFinished, Instant.now(), 1);
    }

    static ActionJob action(boolean alreadyFinished) {
        return new ActionJob("act-1", 2, "client", "ref", connection("c1"), "enc-1", "text", false, "12222", alreadyFinished,
                Instant.now(), 1);
    }
}
