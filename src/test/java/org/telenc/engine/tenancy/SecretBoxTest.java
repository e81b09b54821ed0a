package org.telenc.engine.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    @Test
    void sealsAndOpensWithoutTheValueInTheSealedForm() {
        SecretBox box = new SecretBox(key());
        String sealed = box.seal("{\"password\":\"hunter2\"}");
        assertThat(sealed).startsWith("v1:").doesNotContain("hunter2");
        assertThat(box.seal("same")).isNotEqualTo(box.seal("same")); // a fresh IV every time
        assertThat(box.open(sealed)).isEqualTo("{\"password\":\"hunter2\"}");
    }

    @Test
    void aWrongKeyOrATamperedValueIsRefusedWithoutEchoingIt() {
        String sealed = new SecretBox(key()).seal("hunter2");
        assertThatThrownBy(() -> new SecretBox(key()).open(sealed)).hasMessageNotContaining("hunter2")
                .hasMessageContaining("could not be opened");
        SecretBox box = new SecretBox(key());
        String mine = box.seal("hunter2");
        String tampered = mine.substring(0, mine.length() - 4) + (mine.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> box.open(tampered)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutAConfiguredKeyAKeyFileIsMadeOnceAndReused() throws Exception {
        Path dir = Files.createTempDirectory("secretbox");
        String sealed = new SecretBox("", dir.toString()).seal("x");
        assertThat(new SecretBox("", dir.toString()).open(sealed)).isEqualTo("x");
        assertThat(Files.getPosixFilePermissions(dir.resolve("secrets.key"))).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        String configured = java.util.Base64.getEncoder().encodeToString(key());
        assertThatThrownBy(() -> new SecretBox(configured, dir.toString()).open(sealed)).isInstanceOf(IllegalStateException.class);
    }
}
