package org.telenc.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory made owner-only: at creation, and existing entries fixed, links not followed. */
class DataDirectoryTest {

    @TempDir
    Path temp;

    @BeforeEach
    void posix() throws Exception {
        Assumptions.assumeTrue(Files.getFileStore(temp).supportsFileAttributeView("posix"), "no POSIX permissions here");
    }

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aNewDataDirectoryIsCreatedOwnerOnly() throws Exception {
        Path dir = temp.resolve("new-data");
        DataDirectory.secure(dir);
        assertThat(mode(dir)).isEqualTo("rwx------");
    }

    @Test
    void existingEntriesAreMadeOwnerOnlyAndLinkTargetsOutsideAreLeft() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("data/db"));
        Path data = dir.getParent();
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path file = Files.writeString(dir.resolve("engine.mv.db"), "x");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Path outside = Files.writeString(temp.resolve("outside.txt"), "y");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(data.resolve("link"), outside);

        assertThat(DataDirectory.secure(data)).isEqualTo(3);
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(mode(outside)).isEqualTo("rw-r--r--");
        assertThat(DataDirectory.secure(data)).isZero();
    }

    @Test
    void whatIsCreatedLaterIsMadeOwnerOnlyAsItAppearsAndWhenTheWatchEnds() throws Exception {
        Path data = temp.resolve("watched");
        DataDirectory.secure(data);
        DataDirectory.OwnerOnlyWatch watch = new DataDirectory.OwnerOnlyWatch(data);
        try {
            Path journal = Files.createDirectories(data.resolve("activemq/kahadb"));
            // created readable by others (as far as the umask lets), as H2 and KahaDB create theirs
            var readable = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
            Files.createFile(journal.resolve("db-2.log"), readable);
            Path trace = Files.createFile(data.resolve("engine.trace.db"), readable);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(mode(journal)).isEqualTo("rwx------");
                assertThat(mode(journal.getParent())).isEqualTo("rwx------");
                assertThat(mode(trace)).isEqualTo("rw-------");
            });
        } finally {
            // a file written as the database closes, after the watch saw its last event
            Path closing = Files.writeString(data.resolve("closing.trace.db"), "z");
            Files.setPosixFilePermissions(closing, PosixFilePermissions.fromString("rw-r--r--"));
            watch.destroy();
            assertThat(mode(closing)).isEqualTo("rw-------");
        }
        assertThat(mode(data.resolve("activemq/kahadb/db-2.log"))).isEqualTo("rw-------");
    }
}
