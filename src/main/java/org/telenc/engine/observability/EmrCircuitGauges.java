package org.telenc.engine.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.telenc.engine.emr.EmrCallGuard;

/**
 * {@code telenc_emr_circuit_state{connection}}: the circuit breaker of each EMR connection the
 * engine has called, as a number: 0 closed, 1 half-open, 2 open. The label is the connection's id
 * (the engine's own 32-hex id), never its name or URL.
 */
@Component
public class EmrCircuitGauges {

    static final String NAME = "telenc.emr.circuit.state";
    private static final Pattern CONNECTION_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public EmrCircuitGauges(EmrCallGuard guard, MeterRegistry registry) {
        guard.onBreakerAdded(connectionId -> {
            if (CONNECTION_ID.matcher(connectionId).matches()) {
                Gauge.builder(NAME, () -> value(guard.state(connectionId)))
                        .description("EMR connection circuit breaker: 0 closed, 1 half-open, 2 open")
                        .tag("connection", connectionId)
                        .register(registry);
            }
        });
    }

    /** CLOSED 0, HALF_OPEN 1, OPEN and FORCED_OPEN 2; DISABLED and METRICS_ONLY never stop calls: 0. */
    static double value(String state) {
        return switch (state) {
            case "HALF_OPEN" -> 1;
            case "OPEN", "FORCED_OPEN" -> 2;
            default -> 0;
        };
    }
}
