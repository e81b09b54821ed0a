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
}
