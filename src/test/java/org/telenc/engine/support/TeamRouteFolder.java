package org.telenc.engine.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A team route folder for a test's own engine: emptied, the clinic-extensions example copied in, plus one file of the test's. */
public final class TeamRouteFolder {

    private TeamRouteFolder() {
    }

    public static void withExamplesAnd(Path folder, String fileName, String routes) {
        try {
            if (Files.isDirectory(folder)) {
                try (var old = Files.list(folder)) {
                    for (Path file : old.toList()) {
                        Files.delete(file);
                    }
                }
            }
            Files.createDirectories(folder);
            try (var examples = Files.list(Path.of("routes", "examples", "clinic-extensions"))) {
                for (Path example : examples.toList()) {
                    Files.copy(example, folder.resolve(example.getFileName()));
                }
            }
            Files.writeString(folder.resolve(fileName), routes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
