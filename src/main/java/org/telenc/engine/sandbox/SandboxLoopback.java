package org.telenc.engine.sandbox;

import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Sandbox mode serves a demo surface (the demo tenant's published credentials, the webhook inbox,
 * the sandbox EMR with its writes), so its HTTP port listens on loopback (127.0.0.1) unless
 * {@code server.address} is set: reachable from this machine only, as a demo should be. Setting
 * {@code server.address} (e.g. {@code SERVER_ADDRESS=0.0.0.0} in a container, where probes and port
 * forwards arrive on the pod's address) opens it on purpose. Production mode (sandbox off) is left
 * as Spring Boot has it: every interface, or {@code server.address}.
 */
@Component
@ConditionalOnProperty(name = "engine.sandbox.enabled", havingValue = "true", matchIfMissing = true)
public class SandboxLoopback implements WebServerFactoryCustomizer<ConfigurableWebServerFactory>, Ordered {

    private static final Logger log = LoggerFactory.getLogger(SandboxLoopback.class);
    private final Environment environment;

    public SandboxLoopback(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void customize(ConfigurableWebServerFactory factory) {
        String configured = environment.getProperty("server.address");
        if (configured == null || configured.isBlank()) {
            factory.setAddress(InetAddress.getLoopbackAddress());
            log.info("sandbox mode: HTTP listens on {} only (set server.address to listen elsewhere)",
                    InetAddress.getLoopbackAddress().getHostAddress());
        }
    }

    /** After Spring Boot's own customizer, which applies server.address when it is set. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
