package org.telenc.engine.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.telenc.engine.action.ActionJob;
import org.telenc.engine.action.ActionOutcome;
import org.telenc.engine.api.ApiResponse;
import org.telenc.engine.emr.fhir.FhirCall;
import org.telenc.engine.emr.fhir.FhirResponses;
import org.telenc.engine.emr.rest.EmrRest;
import org.telenc.engine.emr.rest.EmrRestCall;
import org.telenc.engine.encounter.EncounterJob;
import org.telenc.engine.encounter.Outcome;
import org.telenc.engine.job.EmrJob;
import org.telenc.engine.job.JobSteps;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.webhook.WebhookDeliveries;
import org.telenc.engine.webhook.WebhookDestinationGuard;

/**
 * What the routes call to count: each method reads the facts a step already has (the answer, the
 * job, the attempt's result, the HTTP status) and hands {@link EngineMeters} bounded label values.
 * Nothing here reads a request body's fields; the only body parsed is the engine's own error answer,
 * for its {@code error} code.
 */
@Component("flowMeters")
public class FlowMeters {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EngineMeters meters;

    /** Where a job's EMR calls are recorded for its timeline; absent in the slim contexts of route tests. */
    private volatile JobSteps steps;

    public FlowMeters(EngineMeters meters) {
        this.meters = meters;
    }

    @Autowired(required = false)
    public void setJobSteps(JobSteps steps) {
        this.steps = steps;
    }

    /** The intake's channel: {@code mq} when the MQ intake runs it, else {@code http}. */
    public String intakeChannel(@ExchangeProperty(ExchangeProperties.INTAKE_CHANNEL) String channel) {
        return "mq".equals(channel) ? "mq" : "http";
    }

    /** The intake's answer, as {@code api-respond} writes it: 200 accepted, anything else rejected with its error code. */
    public void intakeAnswered(@Body ApiResponse response, @ExchangeProperty(ExchangeProperties.INTAKE_CHANNEL) String channel) {
        if (response == null) {
            return;
        }
        boolean accepted = response.status() == 200;
        meters.intakeAnswered(intakeChannel(channel), accepted, accepted ? null : errorCode(response.json()));
    }

    /** A job's terminal outcome, counted once: a redelivered job that had already finished is not counted again. */
    public void encounterEnded(@ExchangeProperty(ExchangeProperties.JOB) EncounterJob job) {
        if (job == null || job.alreadyFinished()) {
            return;
        }
        Outcome outcome = job.outcome() == null ? Outcome.FAILED : job.outcome();
        List<EncounterJob.Reason> reasons = switch (outcome) {
            case CREATED -> List.of();
            case CREATED_PARTIAL -> job.partialReasons();
            case FAILED -> job.failures();
        };
        meters.encounterEnded(outcome.eventType().substring(outcome.eventType().indexOf('.') + 1),
                reasons.stream().map(EncounterJob.Reason::code).toList());
    }

    /** An add-action job's terminal outcome, counted once like {@link #encounterEnded}. */
    public void actionEnded(@ExchangeProperty(ExchangeProperties.JOB) ActionJob action) {
        if (action == null || action.alreadyFinished()) {
            return;
        }
        ActionOutcome outcome = action.outcome() == null ? ActionOutcome.FAILED : action.outcome();
        List<String> reasons = outcome == ActionOutcome.FAILED
                ? action.failures().stream().map(ActionJob.Reason::code).toList() : List.of();
        meters.actionEnded(outcome == ActionOutcome.CREATED ? "created" : "failed", reasons);
    }

    /**
     * One webhook attempt, after it was recorded: success, retry (scheduled again), gone (410: the
     * URL is disabled), blocked (the SSRF guard refused the address) or failed (for good).
     */
    public void webhookAttempt(@Body WebhookDeliveries.Result result, @Header(Exchange.HTTP_RESPONSE_CODE) Integer status,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        meters.webhookAttempt(webhookResult(result, failure == null ? status : null, failure));
    }

    static String webhookResult(WebhookDeliveries.Result result, Integer status, Exception failure) {
        if (result != null && "success".equals(result.status())) {
            return "success";
        }
        if (result != null && result.retry()) {
            return "retry";
        }
        if (failure instanceof WebhookDestinationGuard.BlockedDestinationException) {
            return "blocked";
        }
        if (status != null && status == 410) {
            return "gone";
        }
        return "failed";
    }

    /** Starts timing one EMR call (kept in an exchange property until the call ends). */
    public Timer.Sample emrCallStarted() {
        return Timer.start(meters.registry());
    }

    /**
     * The EMR answered: ok, retryable or permanent by its status, exactly as {@link FhirResponses#check}
     * sorts it; the call is a step of the job's timeline too.
     */
    public void emrCallAnswered(@ExchangeProperty(ExchangeProperties.EMR_CALL_SAMPLE) Timer.Sample sample,
            @ExchangeProperty(ExchangeProperties.FHIR_CALL) FhirCall call, @Header(Exchange.HTTP_RESPONSE_CODE) Integer status,
            @ExchangeProperty(ExchangeProperties.JOB) Object job) {
        stop(sample, call, FhirResponses.outcome(status), status, job);
    }

    /** No answer at all (I/O error, timeout): retryable. */
    public void emrCallNoAnswer(@ExchangeProperty(ExchangeProperties.EMR_CALL_SAMPLE) Timer.Sample sample,
            @ExchangeProperty(ExchangeProperties.FHIR_CALL) FhirCall call, @ExchangeProperty(ExchangeProperties.JOB) Object job) {
        stop(sample, call, "retryable", null, job);
    }

    /** An adapter written in YAML (an {@link EmrRestCall}): the EMR answered, sorted as {@link EmrRest#check} sorts it. */
    public void emrRestCallAnswered(@ExchangeProperty(ExchangeProperties.EMR_CALL_SAMPLE) Timer.Sample sample,
            @ExchangeProperty(ExchangeProperties.EMR_REST_CALL) EmrRestCall call, @Header(Exchange.HTTP_RESPONSE_CODE) Integer status,
            @ExchangeProperty(ExchangeProperties.JOB) Object job) {
        stop(sample, call == null ? null : call.operation(), EmrRest.outcome(status), status, job);
    }

    /** An adapter written in YAML: no answer at all (I/O error, timeout), retryable. */
    public void emrRestCallNoAnswer(@ExchangeProperty(ExchangeProperties.EMR_CALL_SAMPLE) Timer.Sample sample,
            @ExchangeProperty(ExchangeProperties.EMR_REST_CALL) EmrRestCall call, @ExchangeProperty(ExchangeProperties.JOB) Object job) {
        stop(sample, call == null ? null : call.operation(), "retryable", null, job);
    }

    private void stop(Timer.Sample sample, FhirCall call, String outcome, Integer status, Object job) {
        stop(sample, call == null ? null : call.operation(), outcome, status, job);
    }

    private void stop(Timer.Sample sample, String operation, String outcome, Integer status, Object job) {
        if (sample == null) {
            return;
        }
        long nanos = sample.stop(meters.emrCallTimer(operation, outcome));
        JobSteps steps = this.steps;
        if (steps != null && job instanceof EmrJob emrJob) {
            // a call outside a job (a sync, a query) has no timeline
            steps.emrCall(emrJob.jobId(), operation, status, outcome, Duration.ofNanos(nanos));
        }
    }

    private static String errorCode(String json) {
        try {
            return JSON.readTree(json).path("error").asText(null);
        } catch (Exception e) {
            return null;
        }
    }
}
