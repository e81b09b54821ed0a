package org.telenc.engine;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.telenc.engine.teamroutes.TeamRoutesCheck;

/** The telephone-encounter integration engine. The flow lives in the YAML routes under routes/. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class EngineApplication {

    public static void main(String[] args) {
        var teamRoutes = TeamRoutesCheck.folderIn(args);
        if (teamRoutes.isPresent()) { // the check command: check a team route folder, start nothing
            System.exit(TeamRoutesCheck.run(teamRoutes.get(), System.out));
        }
        SpringApplication.run(EngineApplication.class, args);
    }
}
