package org.telenc.engine.emr;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.telenc.engine.routes.ExchangeProperties;

/**
 * Per EMR connection, around every call: a Resilience4j circuit breaker (a connection whose calls
 * keep failing with I/O errors, timeouts, 408, 429 or 5xx is not called at all for a while, so
 * its jobs are deferred without a thread waiting on a dead server) and an optional rate limit
 * ({@code calls_per_minute} in the connection's settings). Each connection has its own, so one dead
 * or slow EMR never takes the capacity the others need.
 */
@Component("emrCallGuard")
public class EmrCallGuard {

    private static final Logger log = LoggerFactory.getLogger(EmrCallGuard.class);

    private final CircuitBreakerRegistry breakers;
    private final RateLimiterRegistry limiters = RateLimiterRegistry.ofDefaults();

    @Autowired
    public EmrCallGuard(@Value("${engine.emr.circuit.failure-rate:50}") float failureRate,
            @Value("${engine.emr.circuit.minimum-calls:10}") int minimumCalls,
            @Value("${engine.emr.circuit.open-for:30s}") Duration openFor) {
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRate)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(Math.max(minimumCalls, 10))
                .minimumNumberOfCalls(minimumCalls)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(1)
                .maxWaitDurationInHalfOpenState(openFor.multipliedBy(2))
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build());
    }

    /** Before a call: throws {@link EmrThrottledException} when the breaker is open or the budget spent. */
    public void beforeCall(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection) {
        if (connection == null) {
            return;
        }
        int perMinute = connection.settings().callsPerMinute();
        if (perMinute > 0 && !limiter(connection.id(), perMinute).acquirePermission()) {
            throw new EmrThrottledException("EMR calls of connection " + connection.id() + " are over " + perMinute + " per minute");
        }
        CircuitBreaker breaker = breaker(connection.id());
        if (!breaker.tryAcquirePermission()) {
            throw new EmrThrottledException("EMR connection " + connection.id() + " is failing: circuit open, nothing sent");
        }
    }

    /** After an answer: 408, 429 and 5xx count as failures of the connection, anything else as success. */
    public void afterResponse(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @Header(Exchange.HTTP_RESPONSE_CODE) Integer status) {
        if (connection == null) {
            return;
        }
        boolean failed = status == null || status == 408 || status == 429 || status >= 500;
        record(connection.id(), failed);
    }

    /** After no answer at all (I/O error, timeout): a failure; the exception goes on. */
    public void afterFailure(@ExchangeProperty(ExchangeProperties.EMR_CONNECTION) EmrConnection connection,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) throws Exception {
        if (connection != null) {
            record(connection.id(), true);
        }
        throw failure;
    }

    /**
     * Tells the listener the connection id of every breaker there is now and of each one made from
     * now on (a breaker is made on a connection's first call), so metrics can follow each connection.
     */
    public void onBreakerAdded(Consumer<String> listener) {
        breakers.getEventPublisher().onEntryAdded(event -> listener.accept(event.getAddedEntry().getName()));
        breakers.getAllCircuitBreakers().forEach(breaker -> listener.accept(breaker.getName()));
    }

    /** The breaker's state for a connection: CLOSED, OPEN, HALF_OPEN (for health and tests). */
    public String state(String connectionId) {
        return breaker(connectionId).getState().name();
    }

    private void record(String connectionId, boolean failed) {
        CircuitBreaker breaker = breaker(connectionId);
        CircuitBreaker.State before = breaker.getState();
        if (failed) {
            breaker.onError(0, TimeUnit.MILLISECONDS, new EmrThrottledException("failed call"));
        } else {
            breaker.onSuccess(0, TimeUnit.MILLISECONDS);
        }
        CircuitBreaker.State after = breaker.getState();
        if (before != after) {
            log.warn("EMR connection {}: circuit {} -> {}", connectionId, before, after);
        }
    }

    private CircuitBreaker breaker(String connectionId) {
        return breakers.circuitBreaker(connectionId);
    }

    private RateLimiter limiter(String connectionId, int perMinute) {
        String name = connectionId + ":" + perMinute; // a changed budget gets a new limiter
        return limiters.rateLimiter(name, RateLimiterConfig.custom().limitForPeriod(perMinute)
                .limitRefreshPeriod(Duration.ofMinutes(1)).timeoutDuration(Duration.ZERO).build());
    }
}
