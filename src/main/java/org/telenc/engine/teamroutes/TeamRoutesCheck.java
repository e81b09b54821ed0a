package org.telenc.engine.teamroutes;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check command: {@code java -jar telephone-encounter-engine.jar --engine.routes.check=<folder>}
 * runs the start-up checks on a folder of team route files and exits, without starting the engine:
 * 0 and a summary when the folder would be accepted, 1 and every problem when not.
 */
public final class TeamRoutesCheck {

    public static final String ARGUMENT = "--engine.routes.check=";

    private TeamRoutesCheck() {
    }

    /** The folder of a {@code --engine.routes.check=} argument, if there is one. */
    public static Optional<String> folderIn(String[] args) {
        return Arrays.stream(args).filter(a -> a.startsWith(ARGUMENT)).map(a -> a.substring(ARGUMENT.length())).findFirst();
    }

    /** Checks {@code folder}, prints the outcome to {@code out}, and answers the exit status. */
    public static int run(String folder, PrintStream out) {
        quietLibraries();
        TeamRouteFolder.Scan scan = TeamRouteFolder.withBuiltInRoutesOf(TeamRoutesCheck.class.getClassLoader())
                .check(Path.of(folder));
        if (!scan.valid()) {
            out.println(scan.report());
            return 1;
        }
        out.println("team route files in " + scan.folder() + " accepted: " + scan.files().size() + " files, "
                + scan.definitions().size() + " definitions (" + String.join(", ", scan.definitions().stream()
                .map(d -> d.kind() + " " + d.id()).toList()) + ")");
        return 0;
    }

    /** Without Spring Boot's logging set-up Logback logs everything at DEBUG (and the schema library warns of keywords it ignores); the command prints only its answer. */
    private static void quietLibraries() {
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }
}
