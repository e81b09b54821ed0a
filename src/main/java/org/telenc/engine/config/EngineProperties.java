package org.telenc.engine.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The engine's own settings (prefix {@code engine}). Everything environment-specific that Java
 * needs; routes read the same keys through {{placeholders}}. The {@code @param} descriptions and
 * the defaults become the configuration metadata ({@code META-INF/spring-configuration-metadata.json});
 * keys read through {@code @Value} or only by routes are described in
 * {@code META-INF/additional-spring-configuration-metadata.json}.
 *
 * @param dataDir broker store and H2 file; absolute or starting with ./ (H2 refuses an implicitly relative path)
 * @param broker the message broker
 * @param sandbox the embedded sandbox EMR and webhook inbox
 * @param demo the demo tenant
 * @param emr EMR calls
 * @param webhook webhook delivery
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


    /**
     * The message broker: embedded (default) or external through spring.activemq.broker-url.
     *
     * @param embedded run the embedded broker; false with spring.activemq.broker-url for an external one
     * @param tcpConnector where MQ producers reach the embedded broker over OpenWire; empty: none
     * @param stompConnector the embedded broker's STOMP connector for MQ intake; empty: none
     * @param amqpConnector the embedded broker's AMQP 1.0 connector for MQ intake (not 5672, often a
     *        local RabbitMQ's); empty: none
     * @param url the URL the engine's connection factory uses for the embedded broker
     * @param user external broker user
     * @param password external broker password
     * @param trustStore trust store (PKCS#12) for TLS to an external broker; empty: the JVM's
     * @param trustStorePassword password of the trust store
     * @param keyStore key store (PKCS#12) for a client certificate to an external broker
     * @param keyStorePassword password of the key store
     * @param redelivery redelivery of a job that threw
     */
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
         *
         * @param maximumRedeliveries redeliveries of a job that threw, at least 0; on the last one it ends
         *        failed (internal_error)
         * @param initialDelay delay before the first redelivery, doubling after
         * @param maximumDelay longest delay between redeliveries
         */
        public record Redelivery(
                @DefaultValue("10") int maximumRedeliveries,
                @DefaultValue("1s") Duration initialDelay,
                @DefaultValue("60s") Duration maximumDelay) {
        }
    }

    /**
     * The embedded sandbox EMR and webhook inbox: on for the zero-set-up run, off in production.
     *
     * @param enabled run the embedded FHIR sandbox EMR and the webhook inbox (never in production)
     */
    public record Sandbox(@DefaultValue("true") boolean enabled) {
    }

    /**
     * Demo tenant created at start-up when the sandbox is on. {@code emr-base-url} and
     * {@code webhook-url} point it at an EMR and a receiver outside the engine (the fault suite does).
     *
     * @param enabled create the demo tenant at start (sandbox mode only)
     * @param clientId the demo client's id
     * @param clientSecret the demo client's secret
     * @param accessToken the demo access token
     * @param accessTokenReferenceId the demo token's access_token_reference_id
     * @param emrUserId the EMR user the demo token acts as
     * @param emrBaseUrl the demo connection's EMR base URL; embedded:sandbox is the engine's own sandbox
     * @param webhookUrl the demo client's webhook URL; empty: the built-in inbox
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
     *
     * @param timeoutMs connect and response timeout of every EMR HTTP call, in milliseconds
     * @param retry retries of failing EMR calls
     */
    public record Emr(
            @DefaultValue("10000") int timeoutMs,
            @DefaultValue Retry retry) {

        /**
         * Retries of failing EMR calls.
         *
         * @param attempts in-route redeliveries of a failing EMR call (exponential), for blips
         * @param delayMs first delay of those redeliveries, in milliseconds
         * @param window how long after acceptance a job the EMR keeps failing retryably is re-queued;
         *        then emr_unavailable (or created_partial if the encounter exists)
         * @param backoff delays between those re-queued tries; the last repeats, never past the window
         * @param jitter random fraction applied to each backoff delay
         */
        public record Retry(
                @DefaultValue("3") int attempts,
                @DefaultValue("500") long delayMs,
                @DefaultValue("1h") Duration window,
                @DefaultValue({"5s", "15s", "30s", "1m", "2m", "5m"}) List<Duration> backoff,
                @DefaultValue("0.1") double jitter) {
        }
    }

    /**
     * Webhook delivery.
     *
     * @param retrySchedule delays before attempts 2, 3, ... of a delivery
     * @param jitter random fraction applied to each delay
     * @param allowInsecureUrls accept http:// webhook URLs (application.yml: as engine.sandbox.enabled)
     * @param timeoutMs connect and response timeout of a webhook POST, in milliseconds
     * @param perUrlConcurrency main-lane attempts to one URL at a time
     * @param busyUrlWait how long a delivery finding its URL full waits in the consumer for a slot
     */
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
