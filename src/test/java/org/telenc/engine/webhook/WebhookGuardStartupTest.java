package org.telenc.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.telenc.engine.EngineApplication;

/**
 * The engine does not start on an allowlist entry that is not a CIDR (a lenient
 * parse let {@code 10.0.0.0/33} open the guard to every IPv4 address), and what it prints names
 * the setting and the entry, in sandbox mode (the default here) too.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhookGuardStartupTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "internal.example"})
    void anInvalidAllowlistEntryStopsTheStartUpNamingIt(String entry, CapturedOutput output) {
        Path data = Path.of("target", "test-data", UUID.randomUUID().toString()).toAbsolutePath();
        SpringApplicationBuilder engine = new SpringApplicationBuilder(EngineApplication.class);
        String broker = "engine-" + UUID.randomUUID(); // not the shared engine's, which may run in this JVM
        assertThatThrownBy(() -> engine.run("--server.port=0", "--engine.data-dir=" + data, "--engine.broker.tcp-connector=", "--engine.broker.stomp-connector=", "--engine.broker.amqp-connector=",
                "--engine.broker.name=" + broker, "--engine.broker.url=vm://" + broker + "?create=false",
                "--engine.sync.initial-delay-ms=600000",
                "--engine.webhook.address-allowlist=10.20.0.0/16," + entry)).hasRootCauseInstanceOf(InvalidConfigurationPropertyValueException.class)
                .rootCause().hasMessageContaining("engine.webhook.address-allowlist").hasMessageContaining("'" + entry + "'");
        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
                .contains("for configuration property 'engine.webhook.address-allowlist'")
                .contains("entry '" + entry + "' is not a CIDR: ");
    }
}
