package org.telenc.engine.console;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The console's stylesheet, served from the jar at /console/assets/ (no inline style, no script). */
@Configuration
@ConditionalOnProperty(name = "engine.console.enabled", havingValue = "true")
public class ConsoleAssets implements WebMvcConfigurer {

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/console/assets/**").addResourceLocations("classpath:/console-assets/");
    }
}
