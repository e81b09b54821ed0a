package org.telenc.engine.config;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code engine.routes.extra-location}: a folder of an integration team's {@code *.camel.yaml}
 * files (say, a mounted ConfigMap) loaded beside the built-in routes. Camel takes its route files
 * from one setting, {@code camel.main.routes-include-pattern}; this adds the folder's pattern to it
 * before Camel reads it, so the built-in list in application.yml stays the one place it is written.
 */
public class ExtraRoutesLocation implements EnvironmentPostProcessor {

    public static final String PROPERTY = "engine.routes.extra-location";
    static final String INCLUDE_PATTERN = "camel.main.routes-include-pattern";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String location = environment.getProperty(PROPERTY, "").strip();
        if (location.isEmpty()) {
            return;
        }
        String builtIn = environment.getProperty(INCLUDE_PATTERN, "");
        environment.getPropertySources().addFirst(new MapPropertySource("engine-extra-routes",
                Map.of(INCLUDE_PATTERN, includePattern(builtIn, location))));
    }

    /** The built-in pattern plus every {@code *.camel.yaml} directly in the folder (an absolute file: pattern). */
    static String includePattern(String builtIn, String location) {
        String folder = Path.of(location).toAbsolutePath().normalize().toString().replace('\\', '/');
        String extra = "file:" + folder + "/*.camel.yaml";
        return builtIn.isBlank() ? extra : builtIn + "," + extra;
    }
}
