package org.telenc.engine.sandbox;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.telenc.engine.sandbox.fhir.SandboxFhirConfiguration;

/**
 * The sandbox EMR alone, as its own process from the engine's jar: only the sandbox FHIR server at
 * {@value SandboxFhirConfiguration#BASE_PATH} (with {@code engine.sandbox.fhir.*}: delay, generated
 * patients, transactions, revinclude, ...) in an embedded Tomcat on {@code server.port}, on loopback
 * unless {@code server.address} is set. No broker, database, routes, console or {@code /v1}. An
 * engine uses it through {@code engine.demo.emr-base-url}. Started with Spring Boot's
 * {@code PropertiesLauncher} (docs/operating.md, "sandbox EMR as its own process"):
 * {@code java -cp engine.jar -Dloader.main=org.telenc.engine.sandbox.SandboxEmrApplication
 * org.springframework.boot.loader.launch.PropertiesLauncher --server.port=8090}.
 *
 * <p>Not a {@code @Configuration}, so the engine's own component scan never picks it up.
 */
@Import({SandboxFhirConfiguration.class, SandboxLoopback.class})
@ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, ServletWebServerFactoryAutoConfiguration.class})
public class SandboxEmrApplication {

    public static void main(String[] args) {
        start(args);
    }

    /** Starts the sandbox EMR alone; the context to close it. */
    public static ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(SandboxEmrApplication.class).web(WebApplicationType.SERVLET).run(args);
    }

    @Bean
    FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
