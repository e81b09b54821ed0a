package org.telenc.engine.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    static final String A = SecretBox.emrCredentials("connection-a");
    static final String B = SecretBox.emrCredentials("connection-b");

    static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** What the engine stored before key ids (the {@code v1:} format): AES-GCM, no associated data, no key id. */
    static String sealedTheOldWay(byte[] key, String plain) throws Exception {
        byte[] iv = new byte[12];
        new SecureRandom().nextBytes(iv);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[iv.length + sealed.length];
        System.arraycopy(iv, 0, out, 0, iv.length);
        System.arraycopy(sealed, 0, out, iv.length, sealed.length);
        return "v1:" + Base64.getEncoder().encodeToString(out);
    }

    @Test
    void sealsAndOpensWithoutTheValueInTheSealedForm() {
        SecretBox box = new SecretBox(key());
        String sealed = box.seal("{\"password\":\"hunter2\"}", A);
        assertThat(sealed).startsWith("v2:" + box.currentKeyId() + ":").doesNotContain("hunter2");
        assertThat(box.currentKeyId()).matches("[0-9a-f]{16}");
        assertThat(box.seal("same", A)).isNotEqualTo(box.seal("same", A)); // a fresh IV every time
        assertThat(box.open(sealed, A)).isEqualTo("{\"password\":\"hunter2\"}");
    }

    @Test
    void aSealedValueOpensOnlyInTheContextItWasSealedFor() {
        SecretBox box = new SecretBox(key());
        String sealed = box.seal("hunter2", A);
        for (String elsewhere : new String[] {B, SecretBox.emrCredentials(""), "", null, A + " ", "other.purpose:connection-a"}) {
            assertThatThrownBy(() -> box.open(sealed, elsewhere)).as(String.valueOf(elsewhere))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("could not be opened")
                    .hasMessageNotContaining("hunter2");
        }
        // the key id is bound too: relabelled under another known key id it does not open
        byte[] other = key();
        SecretBox two = new SecretBox(key(), List.of(other));
        String mine = two.seal("hunter2", A);
        String relabelled = "v2:" + SecretBox.keyId(other) + mine.substring(mine.indexOf(':', 3));
        assertThatThrownBy(() -> two.open(relabelled, A)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWrongKeyOrATamperedValueIsRefusedWithoutEchoingIt() {
        String sealed = new SecretBox(key()).seal("hunter2", A);
        assertThatThrownBy(() -> new SecretBox(key()).open(sealed, A)).hasMessageNotContaining("hunter2")
                .hasMessageContaining("neither engine.secrets.key nor in engine.secrets.previous-keys");
        SecretBox box = new SecretBox(key());
        String mine = box.seal("hunter2", A);
        String tampered = mine.substring(0, mine.length() - 4) + (mine.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> box.open(tampered, A)).isInstanceOf(IllegalStateException.class);
        for (String garbage : new String[] {"v2:", "v2:" + box.currentKeyId(), "v2:" + box.currentKeyId() + ":", "v2:"
                + box.currentKeyId() + ":%%%", "v1:", "v1:AAAA", "plain", ""}) {
            assertThatThrownBy(() -> box.open(garbage, A)).as(garbage).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aValueSealedUnderAPreviousKeyOpensAndIsNotCurrent() {
        byte[] old = key();
        byte[] current = key();
        String underOld = new SecretBox(old).seal("hunter2", A);
        SecretBox rotated = new SecretBox(current, List.of(old));
        assertThat(rotated.open(underOld, A)).isEqualTo("hunter2");
        assertThat(rotated.current(underOld)).isFalse();
        String resealed = rotated.seal(rotated.open(underOld, A), A);
        assertThat(rotated.current(resealed)).isTrue();
        assertThat(new SecretBox(current).open(resealed, A)).as("the old key is no longer needed").isEqualTo("hunter2");
        assertThatThrownBy(() -> new SecretBox(old).open(resealed, A)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aValueSealedTheOldWayStillOpensUnderTheCurrentOrAPreviousKey() throws Exception {
        byte[] old = key();
        byte[] current = key();
        assertThat(new SecretBox(old).open(sealedTheOldWay(old, "hunter2"), A)).isEqualTo("hunter2");
        SecretBox rotated = new SecretBox(current, List.of(old));
        assertThat(rotated.open(sealedTheOldWay(old, "hunter2"), B)).isEqualTo("hunter2");
        assertThat(rotated.open(sealedTheOldWay(current, "hunter3"), B)).isEqualTo("hunter3");
        assertThat(rotated.current(sealedTheOldWay(current, "x"))).isFalse();
        assertThatThrownBy(() -> new SecretBox(key()).open(sealedTheOldWay(old, "hunter2"), A))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("hunter2");
    }

    @Test
    void previousKeysAreReadFromTheSettingAndABadOneStopsTheStartNamingTheSetting() throws Exception {
        Path dir = Files.createTempDirectory("secretbox");
        byte[] old = key();
        String current = Base64.getEncoder().encodeToString(key());
        SecretBox box = new SecretBox(current, List.of(Base64.getEncoder().encodeToString(old)), dir.toString());
        assertThat(box.open(new SecretBox(old).seal("x", A), A)).isEqualTo("x");
        assertThatThrownBy(() -> new SecretBox(current, List.of("c2hvcnQ="), dir.toString()))
                .hasMessageContaining("engine.secrets.previous-keys (entry 1) must be base64 of 32 bytes");
        assertThatThrownBy(() -> new SecretBox("not base64!", List.of(), dir.toString()))
                .hasMessageContaining("engine.secrets.key must be base64 of 32 bytes").hasMessageNotContaining("not base64");
    }

    @Test
    void withoutAConfiguredKeyAKeyFileIsMadeOnceAndReused() throws Exception {
        Path dir = Files.createTempDirectory("secretbox");
        String sealed = new SecretBox("", dir.toString()).seal("x", A);
        assertThat(new SecretBox("", dir.toString()).open(sealed, A)).isEqualTo("x");
        assertThat(Files.getPosixFilePermissions(dir.resolve("secrets.key"))).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file is left").containsExactly(dir.resolve("secrets.key"));
        }
        String configured = Base64.getEncoder().encodeToString(key());
        assertThatThrownBy(() -> new SecretBox(configured, dir.toString()).open(sealed, A)).isInstanceOf(IllegalStateException.class);
    }

    /**
     * The key file is never visible with more than owner permissions, not even between its creation
     * and a chmod: a watcher stats the name as fast as it can while the engine creates it, and every
     * state it sees must grant nothing to group and others (whatever the umask: it can only take
     * permissions away).
     */
    @Test
    void theKeyFileIsOwnerOnlyFromItsCreation() throws Exception {
        Set<PosixFilePermission> forbidden = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        Map<String, Set<PosixFilePermission>> seen = new ConcurrentHashMap<>();
        for (int i = 0; i < 300; i++) {
            Path dir = Files.createTempDirectory("secretbox");
            Path keyFile = dir.resolve("secrets.key");
            AtomicBoolean done = new AtomicBoolean();
            CountDownLatch looking = new CountDownLatch(1);
            Thread watcher = new Thread(() -> {
                while (!done.get()) {
                    looking.countDown();
                    try {
                        Set<PosixFilePermission> permissions = Files.readAttributes(keyFile, PosixFileAttributes.class,
                                LinkOption.NOFOLLOW_LINKS).permissions();
                        permissions.stream().filter(forbidden::contains).findAny()
                                .ifPresent(p -> seen.put(keyFile.toString(), permissions));
                    } catch (NoSuchFileException notYet) {
                        // not created yet
                    } catch (Exception e) {
                        // a file half made; the next look tells
                    }
                }
            });
            watcher.start();
            assertThat(looking.await(10, TimeUnit.SECONDS)).as("the watcher is looking").isTrue();
            new SecretBox("", dir.toString());
            done.set(true);
            watcher.join();
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFile);
            assertThat(permissions).contains(PosixFilePermission.OWNER_READ).doesNotContainAnyElementsOf(forbidden);
        }
        assertThat(seen).as("states of the key file with group or other permissions").isEmpty();
    }

    @Test
    void onAFileSystemWithoutPosixPermissionsTheKeyFileIsStillMadeOnce() throws Exception {
        Path zip = Files.createTempDirectory("secretbox").resolve("data.zip");
        try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
            Path file = fs.getPath("/data/secrets.key");
            assertThat(fs.supportedFileAttributeViews()).doesNotContain("posix");
            assertThat(SecretBox.createOwnerOnly(file, "first".getBytes(StandardCharsets.US_ASCII))).isTrue();
            assertThat(SecretBox.createOwnerOnly(file, "second".getBytes(StandardCharsets.US_ASCII))).as("never replaced").isFalse();
            assertThat(Files.readString(file)).isEqualTo("first");
            try (var files = Files.list(file.getParent())) {
                assertThat(files.map(Path::toString)).containsExactly("/data/secrets.key");
            }
        }
    }
}
