package org.telenc.engine.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The engine's own meters (names as Prometheus shows them):
 * <ul>
 * <li>{@code telenc_intake_requests_total{outcome, error, channel}}: answers to the create request,
 * over HTTP or the MQ intake;</li>
 * <li>{@code telenc_encounters_total{status, reason}} and {@code telenc_actions_total{status, reason}}:
 * terminal outcomes, counted once per job;</li>
 * <li>{@code telenc_webhook_attempts_total{result}}: one per delivery attempt;</li>
 * <li>{@code telenc_emr_call_seconds{operation, outcome}}: every HTTP call to an EMR.</li>
 * </ul>
 * Every label value is one of a bounded set chosen by the engine: codes, adapter operation names,
 * fixed words. Nothing a caller sends, and no PHI, becomes a label: a value that is not a known
 * word or a well-formed code becomes {@code other}.
 */
@Component("engineMeters")
public class EngineMeters {

    public static final String NONE = "none";
    public static final String OTHER = "other";

    /** Error and reason codes are engine constants: lower-case words joined by underscores. */
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    /** Adapter operation names: lower-case words joined by hyphens. */
    private static final Pattern OPERATION = Pattern.compile("[a-z][a-z0-9-]{0,47}");

    private static final Set<String> CHANNELS = Set.of("http", "mq");
    private static final Set<String> INTAKE_OUTCOMES = Set.of("accepted", "rejected");
    private static final Set<String> JOB_STATUSES = Set.of("created", "created_partial", "failed");
    private static final Set<String> WEBHOOK_RESULTS = Set.of("success", "retry", "failed", "gone", "blocked");
    private static final Set<String> EMR_OUTCOMES = Set.of("ok", "retryable", "permanent");

    private final MeterRegistry registry;

    public EngineMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One answer to {@code POST /v1/telephone-encounters} or its MQ twin. */
    public void intakeAnswered(String channel, boolean accepted, String errorCode) {
        Counter.builder("telenc.intake.requests")
                .description("Create-encounter requests answered, by outcome, contract error code and channel")
                .tag("outcome", oneOf(accepted ? "accepted" : "rejected", INTAKE_OUTCOMES))
                .tag("error", accepted ? NONE : code(errorCode))
                .tag("channel", oneOf(channel, CHANNELS))
                .register(registry).increment();
    }

    /** A telephone-encounter job reached its terminal outcome. */
    public void encounterEnded(String status, List<String> reasonCodes) {
        Counter.builder("telenc.encounters")
                .description("Telephone-encounter jobs ended, by terminal status and first reason code")
                .tag("status", oneOf(status, JOB_STATUSES))
                .tag("reason", firstCode(reasonCodes))
                .register(registry).increment();
    }

    /** An add-action job reached its terminal outcome. */
    public void actionEnded(String status, List<String> reasonCodes) {
        Counter.builder("telenc.actions")
                .description("Add-action jobs ended, by terminal status and first reason code")
                .tag("status", oneOf(status, JOB_STATUSES))
                .tag("reason", firstCode(reasonCodes))
                .register(registry).increment();
    }

    /** One webhook delivery attempt: success, retry (scheduled again), failed (for good), gone (410), blocked (SSRF guard). */
    public void webhookAttempt(String result) {
        Counter.builder("telenc.webhook.attempts")
                .description("Webhook delivery attempts, by result")
                .tag("result", oneOf(result, WEBHOOK_RESULTS))
                .register(registry).increment();
    }

    /** One HTTP call to an EMR: the adapter operation, how it ended (ok, retryable, permanent) and how long it took. */
    public void emrCall(String operation, String outcome, Duration duration) {
        emrCallTimer(operation, outcome).record(duration);
    }

    Timer emrCallTimer(String operation, String outcome) {
        return Timer.builder("telenc.emr.call")
                .description("HTTP calls to EMRs, by adapter operation and outcome")
                .tag("operation", operation == null || !OPERATION.matcher(operation).matches() ? OTHER : operation)
                .tag("outcome", oneOf(outcome, EMR_OUTCOMES))
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A code as a label value: the code if it is well formed, {@code none} for none, else {@code other}. */
    static String code(String code) {
        if (code == null || code.isEmpty()) {
            return NONE;
        }
        return CODE.matcher(code).matches() ? code : OTHER;
    }

    private static String firstCode(List<String> codes) {
        return codes == null || codes.isEmpty() ? NONE : code(codes.get(0));
    }

    private static String oneOf(String value, Set<String> allowed) {
        return value != null && allowed.contains(value) ? value : OTHER;
    }
}
