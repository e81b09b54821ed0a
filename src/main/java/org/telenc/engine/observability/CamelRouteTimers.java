package org.telenc.engine.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyNamingStrategy;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * camel-micrometer's route policy makes a route's timer ({@code camel_route_policy_seconds{routeId}})
 * when the route's first exchange is done; its counters exist from the start. This registers the
 * same timers (same name and tags, so the policy records into them) as soon as Camel has started,
 * so every route id has its timer on /actuator/prometheus from the first scrape, at zero.
 */
@Component
public class CamelRouteTimers implements CamelContextConfiguration {

    private final MeterRegistry registry;
    private final boolean enabled;
    private final MicrometerRoutePolicyNamingStrategy naming;

    public CamelRouteTimers(MeterRegistry registry, @Value("${camel.metrics.enable-route-policy:true}") boolean enabled,
            @Value("${camel.metrics.naming-strategy:default}") String namingStrategy) {
        this.registry = registry;
        this.enabled = enabled;
        this.naming = "legacy".equalsIgnoreCase(namingStrategy) ? MicrometerRoutePolicyNamingStrategy.LEGACY
                : MicrometerRoutePolicyNamingStrategy.DEFAULT;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        if (!enabled) {
            return;
        }
        for (Route route : camelContext.getRoutes()) {
            Timer.builder(naming.getName(route)).tags(naming.getTags(route)).description("Route performance metrics")
                    .register(registry);
        }
    }
}
