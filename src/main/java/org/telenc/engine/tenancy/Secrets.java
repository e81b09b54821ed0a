package org.telenc.engine.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** Hashing and comparison of client secrets and access tokens, and engine ids. */
public final class Secrets {

    /** The shortest client secret, access token or webhook secret an operator may provision. */
    public static final int MIN_SECRET_LENGTH = 32;

    private Secrets() {
    }

    /** Whether an operator-chosen secret is long enough to be a random one ({@value #MIN_SECRET_LENGTH}+ characters). */
    public static boolean longEnough(String secret) {
        return secret != null && secret.strip().codePointCount(0, secret.strip().length()) >= MIN_SECRET_LENGTH;
    }

    /** Whether a value is a hex SHA-256 (64 hex characters, either case). */
    public static boolean isSha256Hex(String value) {
        return value != null && value.strip().matches("[0-9a-fA-F]{64}");
    }

    /** Hex SHA-256. Secrets and tokens are high-entropy values, so a fast hash is enough. */
    public static String sha256Hex(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of two hex digests. */
    public static boolean sameDigest(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    /** A new engine id: 32 lowercase hex characters. */
    public static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
