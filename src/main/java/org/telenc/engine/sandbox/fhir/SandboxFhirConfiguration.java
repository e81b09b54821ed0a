package org.telenc.engine.sandbox.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Mounts the embedded sandbox EMR ({@link SandboxFhirServer} over a seeded
 * {@link SandboxFhirStore}) at {@value #BASE_PATH} in the engine's own servlet container. On by
 * default; {@code engine.sandbox.enabled=false} turns it off. {@code engine.sandbox.fhir.search-cache}
 * (a duration, default {@code 0s}: off) makes it reuse identical searches for that long, like a
 * HAPI FHIR JPA server (see {@link SandboxSearchCache}). {@code engine.sandbox.fhir.transactions} and
 * {@code engine.sandbox.fhir.revinclude} (default true) say whether it takes transaction Bundles
 * and answers a Patient search with the patients' orders (its CapabilityStatement says so too).
 * For loads at a clinic's distance (the
 * benchmark's phase f): {@code engine.sandbox.fhir.delay} (a duration, default {@code 0s}) makes every
 * sandbox FHIR call wait that long before it is answered ({@link SandboxFhirDelay}), and
 * {@code engine.sandbox.fhir.generated-patients} (default 0) adds that many
 * {@link SandboxGeneratedPatients generated patients} to the demo data. As a HAPI FHIR JPA server
 * does: {@code engine.sandbox.fhir.max-includes-per-page} (default 1000, 0: no cap) caps the included
 * resources of a search page ({@link SandboxIncludes}), and {@code engine.sandbox.fhir.version-conflict-status}
 * ({@code 412}, the default, or {@code 409}) says how a stale {@code If-Match} is answered
 * ({@link SandboxVersionConflicts}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "engine.sandbox.enabled", havingValue = "true", matchIfMissing = true)
public class SandboxFhirConfiguration {

    /** The FHIR base path of the sandbox EMR, relative to the engine's context root. */
    public static final String BASE_PATH = "/sandbox/fhir/r4";

    @Bean
    public SandboxFhirStore sandboxFhirStore(Environment environment) {
        int generated = Binder.get(environment).bind("engine.sandbox.fhir.generated-patients", Integer.class).orElse(0);
        return SandboxFhirStore.seeded(generated);
    }

    @Bean
    public FilterRegistrationBean<SandboxFhirDelay> sandboxFhirDelay(Environment environment) {
        Duration delay = Binder.get(environment).bind("engine.sandbox.fhir.delay", Duration.class).orElse(Duration.ZERO);
        FilterRegistrationBean<SandboxFhirDelay> registration = new FilterRegistrationBean<>(new SandboxFhirDelay(delay));
        registration.addUrlPatterns(BASE_PATH + "/*");
        registration.setName("sandboxFhirDelay");
        return registration;
    }

    @Bean
    public SandboxSearchCache sandboxSearchCache(SandboxFhirStore store, Environment environment, Clock clock) {
        Duration keepFor = Binder.get(environment).bind("engine.sandbox.fhir.search-cache", Duration.class).orElse(Duration.ZERO);
        return new SandboxSearchCache(store, keepFor, clock);
    }

    @Bean
    public SandboxVersionConflicts sandboxVersionConflicts(Environment environment) {
        return new SandboxVersionConflicts(Binder.get(environment).bind("engine.sandbox.fhir.version-conflict-status", Integer.class)
                .orElse(412));
    }

    @Bean
    public ServletRegistrationBean<SandboxFhirServer> sandboxFhirServlet(FhirContext fhirContext, SandboxFhirStore store,
            SandboxSearchCache searchCache, SandboxVersionConflicts versionConflicts, Environment environment) {
        Binder settings = Binder.get(environment);
        SandboxFhirServer server = new SandboxFhirServer(fhirContext, store, searchCache, new SandboxFhirServer.Options(
                settings.bind("engine.sandbox.fhir.transactions", Boolean.class).orElse(true),
                settings.bind("engine.sandbox.fhir.revinclude", Boolean.class).orElse(true),
                settings.bind("engine.sandbox.fhir.max-includes-per-page", Integer.class).orElse(SandboxIncludes.HAPI_JPA_DEFAULT)),
                versionConflicts);
        ServletRegistrationBean<SandboxFhirServer> registration = new ServletRegistrationBean<>(server, BASE_PATH + "/*");
        registration.setName("sandboxFhir");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
