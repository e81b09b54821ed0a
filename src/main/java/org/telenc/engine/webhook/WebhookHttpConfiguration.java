package org.telenc.engine.webhook;

import java.util.List;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.telenc.engine.config.EngineProperties;

/** The webhook endpoint's own connection pool, whose DNS resolution goes through the SSRF guard. */
@Configuration(proxyBeanMethods = false)
public class WebhookHttpConfiguration {

    @Bean
    public WebhookDestinationGuard webhookDestinationGuard(EngineProperties properties,
            @Value("${engine.webhook.block-private-addresses:true}") boolean block,
            @Value("${engine.webhook.address-allowlist:}") List<String> allowlist) {
        return new WebhookDestinationGuard(block && !properties.sandbox().enabled(), allowlist);
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
