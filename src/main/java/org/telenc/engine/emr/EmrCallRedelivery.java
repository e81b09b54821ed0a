package org.telenc.engine.emr;

import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.telenc.engine.config.EngineProperties;

/**
 * The in-route redelivery of a failing EMR call, for blips: {@code engine.emr.retry.attempts}
 * redeliveries from {@code engine.emr.retry.delay-ms}, doubling. The {@code emr-calls}
 * routeConfiguration (routes/_shared/emr-call-retries.camel.yaml) names it with
 * {@code redeliveryPolicyRef}: built here from the typed properties, so the route file holds no
 * placeholder where the YAML DSL schema wants a number.
 */
@Configuration(proxyBeanMethods = false)
public class EmrCallRedelivery {

    /** The bean name the routeConfiguration refers to. */
    public static final String POLICY = "emrCallRedeliveryPolicy";

    @Bean(POLICY)
    public RedeliveryPolicy emrCallRedeliveryPolicy(EngineProperties properties) {
        EngineProperties.Emr.Retry retry = properties.emr().retry();
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(retry.attempts());
        policy.setRedeliveryDelay(retry.delayMs());
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(2);
        policy.setRetryAttemptedLogLevel(LoggingLevel.INFO);
        // what is still failing goes back to the calling flow, which decides and logs the outcome
        policy.setLogStackTrace(false);
        policy.setLogExhausted(false);
        return policy;
    }
}
