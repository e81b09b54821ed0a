package org.telenc.engine.faults;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fault switch in front of the external EMR. While it is on, every FHIR request is answered
 * {@code 503} with an OperationOutcome, the way a clinic's FHIR server answers while it is down for
 * maintenance; the request never reaches the store, so nothing is half-written. A 503 is what the
 * engine must treat as retryable (step 7 of docs/api.md "What a queued request becomes").
 */
final class EmrFaultSwitch implements Filter {

    private static final byte[] UNAVAILABLE = """
            {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"transient",\
            "diagnostics":"EMR temporarily unavailable (fault injected by the fault suite)"}]}"""
            .getBytes(StandardCharsets.UTF_8);

    private final AtomicBoolean on = new AtomicBoolean();
    private final AtomicLong refused = new AtomicLong();

    void on() {
        on.set(true);
    }

    void off() {
        on.set(false);
    }

    /** Whether the EMR answers 503 now. */
    boolean isOn() {
        return on.get();
    }

    /** How many requests were answered 503 since the rig started: proof the fault really bit. */
    long refused() {
        return refused.get();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!on.get()) {
            chain.doFilter(request, response);
            return;
        }
        refused.incrementAndGet();
        HttpServletResponse http = (HttpServletResponse) response;
        http.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        http.setContentType("application/fhir+json;charset=UTF-8");
        http.setContentLength(UNAVAILABLE.length);
        http.getOutputStream().write(UNAVAILABLE);
    }
}
