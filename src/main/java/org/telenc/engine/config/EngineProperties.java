package org.telenc.engine.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The engine's own settings (prefix {@code engine}). Everything environment-specific that Java
 * needs; routes read the same keys through {{placeholders}}.
 */
@ConfigurationProperties(prefix = "engine")
public record EngineProperties(
        @DefaultValue("./data") String dataDir,
        @DefaultValue Broker broker,
        @DefaultValue Sandbox sandbox,
        @DefaultValue Demo demo,
        @DefaultValue Emr emr,
        @DefaultValue Webhook webhook) {

    /** The base URL that names the engine's own FHIR sandbox as a connection's EMR. */
    public static final String EMBEDDED_SANDBOX = "embedded:sandbox";


    /** The message broker: embedded (default) or external through spring.activemq.broker-url. */
    public record Broker(
            @DefaultValue("true") boolean embedded,
            @DefaultValue("tcp://127.0.0.1:61616") String tcpConnector,
            @DefaultValue("stomp://127.0.0.1:61613") String stompConnector,
            @DefaultValue("amqp://127.0.0.1:5673") String amqpConnector,
            @DefaultValue("vm://engine?create=false") String url,
            String user,
            String password,
            String trustStore,
            String trustStorePassword,
            String keyStore,
            String keyStorePassword,
            @DefaultValue Redelivery redelivery) {

        /**
         * The consumer's redelivery of a job that threw (rolled back): {@code maximum-redeliveries}
         * more deliveries, from {@code initial-delay} doubling up to {@code maximum-delay}. On the
         * last delivery a job that still throws ends {@code failed} ({@code internal_error}).
         */
        public record Redelivery(
                @DefaultValue("10") int maximumRedeliveries,
                @DefaultValue("1s") Duration initialDelay,
                @DefaultValue("60s") Duration maximumDelay) {
        }
    }

    /** The embedded sandbox EMR and webhook inbox: on for the zero-set-up run, off in production. */
    public record Sandbox(@DefaultValue("true") boolean enabled) {
    }

    /**
     * Demo tenant created at start-up when the sandbox is on. {@code emr-base-url} and
     * {@code webhook-url} point it at an EMR and a receiver outside the engine (the fault suite does).
     */
    public record Demo(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("demo-client") String clientId,
            @DefaultValue("demo-secret") String clientSecret,
            @DefaultValue("demo-access-token") String accessToken,
            @DefaultValue("demo-clinic") String accessTokenReferenceId,
            @DefaultValue("12222") String emrUserId,
            @DefaultValue(EMBEDDED_SANDBOX) String emrBaseUrl,
            @DefaultValue("") String webhookUrl) {
    }

    /**
     * EMR calls. A failing call is first redelivered in the route ({@code attempts} times from
     * {@code delay-ms}, doubling) for blips; a job still failing retryably is then put back on the
     * queue through the broker scheduler, {@code backoff} apart (the last delay repeats, with
     * {@code jitter}), until {@code window} after it was accepted. Only then is it permanent.
     */
    public record Emr(
            @DefaultValue("10000") int timeoutMs,
            @DefaultValue Retry retry) {

        public record Retry(
                @DefaultValue("3") int attempts,
                @DefaultValue("500") long delayMs,
                @DefaultValue("1h") Duration window,
                @DefaultValue({"5s", "15s", "30s", "1m", "2m", "5m"}) List<Duration> backoff,
                @DefaultValue("0.1") double jitter) {
        }
    }

    /** Webhook delivery. */
    public record Webhook(
            @DefaultValue({"5s", "5m", "30m", "2h", "5h", "10h", "14h", "20h", "24h"}) List<Duration> retrySchedule,
            @DefaultValue("0.1") double jitter,
            @DefaultValue("false") boolean allowInsecureUrls,
            @DefaultValue("15000") long timeoutMs,
            @DefaultValue("2") int perUrlConcurrency,
            @DefaultValue("250ms") Duration busyUrlWait) {

        /** How long one attempt may hold its delivery: connect plus response timeout, and a margin. */
        public Duration claimDuration() {
            return Duration.ofMillis(2 * timeoutMs + 30_000);
        }
    }
}
