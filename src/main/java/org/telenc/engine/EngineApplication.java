package org.telenc.engine;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The telephone-encounter integration engine. The flow lives in the YAML routes under routes/. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class EngineApplication {

    public static void main(String[] args) {
        SpringApplication.run(EngineApplication.class, args);
    }
}
