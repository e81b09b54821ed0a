package org.telenc.engine.webhook;

import java.util.List;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.telenc.engine.config.EngineProperties;

/**
 * The webhook endpoint's own connection pool, whose DNS resolution goes through the SSRF guard. An
 * allowlist entry that is not a CIDR stops the start-up, naming the entry, in sandbox mode too.
 */
@Configuration(proxyBeanMethods = false)
public class WebhookHttpConfiguration {

    @Bean
    public WebhookDestinationGuard webhookDestinationGuard(EngineProperties properties,
            @Value("${engine.webhook.block-private-addresses:true}") boolean block,
            @Value("${engine.webhook.address-allowlist:}") List<String> allowlist) {
        try {
            return new WebhookDestinationGuard(block && !properties.sandbox().enabled(), allowlist);
        } catch (WebhookDestinationGuard.InvalidCidrException e) {
            // Spring Boot's failure analyzer prints "Invalid value '<the whole setting>' for configuration
            // property 'engine.webhook.address-allowlist' (originating from ...)" and this reason, which
            // names the entry; the start-up stops
            throw new InvalidConfigurationPropertyValueException(WebhookDestinationGuard.ALLOWLIST_PROPERTY, e.entry(),
                    "entry '" + e.entry() + "' is not a CIDR: " + e.reason());
        }
    }

    @Bean(destroyMethod = "close")
    public HttpClientConnectionManager webhookConnectionManager(WebhookDestinationGuard guard) {
        return connectionManager(guard);
    }

    public static HttpClientConnectionManager connectionManager(WebhookDestinationGuard guard) {
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(guard)
                .setMaxConnTotal(200)
                .setMaxConnPerRoute(10)
                .build();
    }
}
