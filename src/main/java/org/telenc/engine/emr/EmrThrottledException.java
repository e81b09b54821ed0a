package org.telenc.engine.emr;

/**
 * The engine itself holds a call back: the connection's circuit breaker is open (its EMR keeps
 * failing) or its calls-per-minute budget is spent. Nothing was sent. Not an
 * {@link EmrRetryableException} on purpose: the in-route redelivery must not hold a thread for it;
 * the job is deferred through the broker scheduler instead, like any EMR outage.
 */
public class EmrThrottledException extends EmrException {

    public EmrThrottledException(String message) {
        super("emr_unavailable", 503, message);
    }
}
