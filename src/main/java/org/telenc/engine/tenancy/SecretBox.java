package org.telenc.engine.tenancy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encrypts what the engine must be able to read back (EMR credentials) with AES-256-GCM. The key is
 * {@code engine.secrets.key} (base64 of 32 bytes, from a Kubernetes Secret in production); without
 * one, a key file is created once under the data directory (owner-only), which suits the
 * single-machine default. Client secrets and access tokens are never stored this way: only hashed.
 */
@Component
public class SecretBox {

    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final String PREFIX = "v1:";
    private static final int IV_BYTES = 12;
    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;

    @org.springframework.beans.factory.annotation.Autowired
    public SecretBox(@Value("${engine.secrets.key:}") String configuredKey, @Value("${engine.data-dir}") String dataDir)
            throws IOException {
        this.key = new SecretKeySpec(keyBytes(configuredKey, Path.of(dataDir, "secrets.key")), "AES");
    }

    /** For tests and tools: a box on a given 32-byte key. */
    public SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    public String seal(String plain) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String open(String sealed) {
        if (sealed == null) {
            return null;
        }
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("not a sealed value");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, IV_BYTES));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // never the value: a wrong key or a tampered value
            throw new IllegalStateException("a sealed secret could not be opened (wrong engine.secrets.key?)");
        }
    }

    private byte[] keyBytes(String configured, Path keyFile) throws IOException {
        if (configured != null && !configured.isBlank()) {
            byte[] bytes = Base64.getDecoder().decode(configured.trim());
            if (bytes.length != 32) {
                throw new IllegalStateException("engine.secrets.key must be base64 of 32 bytes");
            }
            return bytes;
        }
        if (Files.exists(keyFile)) {
            return Base64.getDecoder().decode(Files.readString(keyFile).trim());
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(bytes));
        try {
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        log.warn("no engine.secrets.key configured: created a key file under the data directory; set the key from a secret store in production");
        return bytes;
    }
}
