package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Mounts the embedded sandbox EMR ({@link SandboxFhirServer} over a seeded
 * {@link SandboxFhirStore}) at {@value #BASE_PATH} in the engine's own servlet container. On by
 * default; {@code engine.sandbox.enabled=false} turns it off.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "engine.sandbox.enabled", havingValue = "true", matchIfMissing = true)
public class SandboxFhirConfiguration {

    /** The FHIR base path of the sandbox EMR, relative to the engine's context root. */
    public static final String BASE_PATH = "/sandbox/fhir/r4";

    @Bean
    public SandboxFhirStore sandboxFhirStore() {
        return SandboxFhirStore.seeded();
    }

    @Bean
    public ServletRegistrationBean<SandboxFhirServer> sandboxFhirServlet(FhirContext fhirContext, SandboxFhirStore store) {
        ServletRegistrationBean<SandboxFhirServer> registration =
                new ServletRegistrationBean<>(new SandboxFhirServer(fhirContext, store), BASE_PATH + "/*");
        registration.setName("sandboxFhir");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
