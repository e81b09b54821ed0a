package org.telenc.engine.tenancy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encrypts what the engine must be able to read back (EMR credentials, webhook signing secrets) with AES-256-GCM. The key is
 * {@code engine.secrets.key} (base64 of 32 bytes, from a Kubernetes Secret in production); without
 * one, a key file is created once under the data directory, owner-only from its creation, which
 * suits the single-machine default. Client secrets and access tokens are never stored this way:
 * only hashed.
 *
 * <p>Sealed form {@code v2:<key id>:<base64 of IV and ciphertext>}. The key id is derived from the
 * key (the first 8 bytes of its SHA-256, in hex), so operators never name keys. The associated data
 * binds a value to what it belongs to (its {@code context}, e.g. {@link #emrCredentials}), so a
 * value copied to another row does not open there. Rotation: the new key goes to
 * {@code engine.secrets.key}, the old ones to {@code engine.secrets.previous-keys}; values sealed
 * under a previous key still open and are re-sealed under the current one at start-up
 * ({@link SecretResealing}). The first format, {@code v1:<base64>} (no key id, no associated data),
 * still opens under any of the keys and is re-sealed the same way.
 */
@Component
public class SecretBox {

    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final String V1 = "v1:";
    private static final String V2 = "v2:";
    private static final int IV_BYTES = 12;
    private final SecureRandom random = new SecureRandom();
    private final String currentKid;
    /** Every key by id, the current one first. */
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();

    @Autowired
    public SecretBox(@Value("${engine.secrets.key:}") String configuredKey,
            @Value("${engine.secrets.previous-keys:}") List<String> previousKeys, @Value("${engine.data-dir}") String dataDir)
            throws IOException {
        this(currentKey(configuredKey, Path.of(dataDir, "secrets.key")), previous(previousKeys));
    }

    /** A box on the configured key or the key file, with no previous keys. */
    public SecretBox(String configuredKey, String dataDir) throws IOException {
        this(configuredKey, List.of(), dataDir);
    }

    /** For tests and tools: a box on a given 32-byte key. */
    public SecretBox(byte[] key) {
        this(key, List.of());
    }

    /** For tests and tools: a box on a current key and previous keys (32 bytes each). */
    public SecretBox(byte[] key, List<byte[]> previousKeys) {
        this.currentKid = keyId(key);
        keys.put(currentKid, new SecretKeySpec(key.clone(), "AES"));
        for (byte[] previous : previousKeys) {
            keys.putIfAbsent(keyId(previous), new SecretKeySpec(previous.clone(), "AES"));
        }
    }

    /** The context of a connection's EMR credentials: what their sealed value is bound to. */
    public static String emrCredentials(String connectionId) {
        return "emr_connection.credentials:" + connectionId;
    }

    /** Whether a stored value is in a sealed format (else it rests in clear, from before it was sealed). */
    public static boolean isSealed(String stored) {
        return stored != null && (stored.startsWith(V2) || stored.startsWith(V1));
    }

    /** The id of the key values are sealed under now. */
    public String currentKeyId() {
        return currentKid;
    }

    public String seal(String plain, String context) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKid), new GCMParameterSpec(128, iv));
            cipher.updateAAD(aad(currentKid, context));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return V2 + currentKid + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String open(String sealed, String context) {
        if (sealed == null) {
            return null;
        }
        try {
            if (sealed.startsWith(V2)) {
                int colon = sealed.indexOf(':', V2.length());
                String kid = colon < 0 ? "" : sealed.substring(V2.length(), colon);
                SecretKeySpec key = keys.get(kid);
                if (key == null) {
                    throw new IllegalStateException("a sealed secret is under key " + kid
                            + ", which is neither engine.secrets.key nor in engine.secrets.previous-keys");
                }
                return decrypt(key, Base64.getDecoder().decode(sealed.substring(colon + 1)), aad(kid, context));
            }
            if (sealed.startsWith(V1)) { // the first format: whichever key opens it
                byte[] in = Base64.getDecoder().decode(sealed.substring(V1.length()));
                for (SecretKeySpec key : keys.values()) {
                    try {
                        return decrypt(key, in, null);
                    } catch (GeneralSecurityException wrongKey) {
                        // the next key
                    }
                }
                throw new GeneralSecurityException("no key opens it");
            }
        } catch (GeneralSecurityException | IllegalArgumentException | IndexOutOfBoundsException e) {
            // never the value: a wrong key, a tampered value, or one that belongs to another row
            throw new IllegalStateException("a sealed secret could not be opened (wrong engine.secrets.key, "
                    + "or a value that belongs elsewhere)");
        }
        throw new IllegalStateException("not a sealed value");
    }

    /** Whether a sealed value is in the current format under the current key (else it is re-sealed). */
    public boolean current(String sealed) {
        return sealed == null || sealed.startsWith(V2 + currentKid + ":");
    }

    private static String decrypt(SecretKeySpec key, byte[] in, byte[] aad) throws GeneralSecurityException {
        if (in.length < IV_BYTES + 16) {
            throw new GeneralSecurityException("too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, IV_BYTES));
        if (aad != null) {
            cipher.updateAAD(aad);
        }
        return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
    }

    /** Format, key id and context: each sealed value opens only as what and where it was sealed. */
    private static byte[] aad(String kid, String context) {
        return ("telenc-secret-box:v2:" + kid + ":" + (context == null ? "" : context)).getBytes(StandardCharsets.UTF_8);
    }

    static String keyId(byte[] key) {
        if (key.length != 32) {
            throw new IllegalStateException("a secrets key must be 32 bytes");
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<byte[]> previous(List<String> configured) {
        List<byte[]> previous = new ArrayList<>();
        int position = 0;
        for (String key : configured == null ? List.<String>of() : configured) {
            position++;
            if (!key.isBlank()) {
                previous.add(decodeKey(key, "engine.secrets.previous-keys (entry " + position + ")"));
            }
        }
        return previous;
    }

    private static byte[] decodeKey(String base64, String setting) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(setting + " must be base64 of 32 bytes");
        }
        return bytes;
    }

    private static byte[] currentKey(String configured, Path keyFile) throws IOException {
        if (configured != null && !configured.isBlank()) {
            return decodeKey(configured, "engine.secrets.key");
        }
        if (Files.exists(keyFile)) {
            return decodeKey(Files.readString(keyFile), "the key file " + keyFile);
        }
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        if (createOwnerOnly(keyFile, Base64.getEncoder().encodeToString(bytes).getBytes(StandardCharsets.US_ASCII))) {
            log.warn("no engine.secrets.key configured: created a key file under the data directory; set the key from a secret store in production");
            return bytes;
        }
        return decodeKey(Files.readString(keyFile), "the key file " + keyFile); // another process made it first
    }

    /**
     * Writes a new file that is owner-only (0600) from its creation: the content goes to a temporary
     * file created with those permissions (CREATE_NEW), which is then linked to its name, which fails
     * if the name exists, so a reader sees no file or the whole key, never a partial or readable one.
     * On a file system without POSIX permissions the file is created with its defaults, with a warning.
     *
     * @return false when {@code file} already existed (someone else created it)
     */
    static boolean createOwnerOnly(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temporary = dir.resolve("." + file.getFileName() + "." + HexFormat.of().formatHex(randomBytes()) + ".tmp");
        EnumSet<StandardOpenOption> create = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        FileAttribute<?>[] ownerOnly = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        if (!posix) {
            log.warn("the file system of {} has no POSIX permissions: the key file gets its default permissions; "
                    + "restrict the directory or set engine.secrets.key", dir);
        }
        try {
            try (SeekableByteChannel channel = Files.newByteChannel(temporary, create, ownerOnly)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (channel instanceof FileChannel fileChannel) {
                    fileChannel.force(true);
                }
            }
            try {
                Files.createLink(file, temporary); // atomic, and never replaces an existing file
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | IOException noLinks) {
                try {
                    Files.move(temporary, file); // no hard links here: a move that refuses an existing file
                } catch (FileAlreadyExistsException e) {
                    return false;
                }
            }
            return true;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
