package org.telenc.engine.sandbox.fhir;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.time.Duration;

/**
 * Makes the sandbox EMR as far away as a clinic's: every request to the sandbox FHIR server waits
 * {@code engine.sandbox.fhir.delay} before it is answered ({@code 0s}, the default: not at all).
 * The wait is a sleep on the request's own HTTP thread, so it holds the thread (and the caller's
 * connection) like a network round trip does, without using CPU. Mapped to the sandbox's base
 * path only, never to the engine's API.
 */
public final class SandboxFhirDelay implements Filter {

    private final Duration delay;

    public SandboxFhirDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("engine.sandbox.fhir.delay must not be negative");
        }
        this.delay = delay;
    }

    public Duration delay() {
        return delay;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServletException("interrupted while delaying a sandbox FHIR call", e);
            }
        }
        chain.doFilter(request, response);
    }
}
