package org.telenc.engine.observability;

import java.util.Set;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Tracing off means no tracer at all. Spring Boot's {@code management.tracing.enabled} only stops
 * the export: its OpenTelemetry tracer would still make a span of every HTTP request and drop it.
 * Unless tracing is on, this leaves Spring Boot's OpenTelemetry tracer and OTLP exporter out, so
 * Micrometer's no-op tracer is the one its observation handlers use: nothing is recorded.
 */
public class TracingOff implements AutoConfigurationImportFilter, EnvironmentAware {

    static final String ENABLED = "management.tracing.enabled";
    static final Set<String> TRACING = Set.of(
            "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.tracing.otlp.OtlpTracingAutoConfiguration");

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean on = environment != null && environment.getProperty(ENABLED, Boolean.class, false);
        boolean[] match = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < match.length; i++) {
            match[i] = on || autoConfigurationClasses[i] == null || !TRACING.contains(autoConfigurationClasses[i]);
        }
        return match;
    }
}
