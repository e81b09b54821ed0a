package org.telenc.engine.sandbox.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.telenc.engine.config.ClockConfiguration;
import org.telenc.engine.config.FhirConfiguration;

class SandboxFhirConfigurationTest {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withUserConfiguration(FhirConfiguration.class, ClockConfiguration.class, SandboxFhirConfiguration.class);

    @Test
    void mountsTheSeededSandboxAtItsBasePath() {
        contextRunner.run(context -> {
            assertThat(context.getBean(SandboxFhirStore.class).count(Patient.class)).isEqualTo(5);
            ServletRegistrationBean<?> registration = context.getBean(ServletRegistrationBean.class);
            assertThat(registration.getServletName()).isEqualTo("sandboxFhir");
            assertThat(registration.getUrlMappings()).containsExactly("/sandbox/fhir/r4/*");
            assertThat(registration.getServlet()).isInstanceOf(SandboxFhirServer.class);
        });
    }

    @Test
    void keepsNoSearchCacheUnlessToldTo() {
        contextRunner.run(context -> assertThat(context.getBean(SandboxSearchCache.class)).extracting("reuseFor")
                .isEqualTo(Duration.ZERO));
        contextRunner.withPropertyValues("engine.sandbox.fhir.search-cache=60s").run(context -> assertThat(
                context.getBean(SandboxSearchCache.class)).extracting("reuseFor").isEqualTo(Duration.ofSeconds(60)));
    }

    @Test
    void canBeSwitchedOff() {
        contextRunner.withPropertyValues("engine.sandbox.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(SandboxFhirStore.class);
            assertThat(context).doesNotHaveBean(ServletRegistrationBean.class);
        });
    }
}
