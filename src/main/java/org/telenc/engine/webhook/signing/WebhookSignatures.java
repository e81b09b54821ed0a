package org.telenc.engine.webhook.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures and secrets of the two webhook signature schemes (docs/api.md "Signatures").
 *
 * <ul>
 *   <li>{@code cobalt}: the secret is 32 random bytes written as 64 lowercase hex characters, used
 *       as a key through its UTF-8 bytes (the hex text itself, not the decoded bytes); the signature
 *       is the lowercase hex HMAC-SHA256 of the raw body.</li>
 *   <li>{@code standard} (standardwebhooks.com): the secret is {@code whsec_} followed by the
 *       standard base64 (with padding) of 32 random bytes, used as a key through the decoded bytes;
 *       the signature is {@code v1,} and the base64 HMAC-SHA256 of
 *       {@code "{msgId}.{timestamp}.{body}"} in UTF-8.</li>
 * </ul>
 */
public final class WebhookSignatures {

    /** Prefix of every {@code standard} secret. */
    public static final String STANDARD_SECRET_PREFIX = "whsec_";

    private static final String HMAC_SHA256 = "HmacSHA256";
    private static final int SECRET_BYTES = 32;
    private static final int MIN_STANDARD_KEY_BYTES = 24;
    private static final int MAX_STANDARD_KEY_BYTES = 64;
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignatures() {
    }

    /**
     * Computes the {@code cobalt-verification} header value.
     *
     * @param secret the URL's cobalt secret; its UTF-8 bytes are the HMAC key
     * @param rawBody the body exactly as sent
     * @return lowercase hex HMAC-SHA256 of the body (64 characters)
     * @throws IllegalArgumentException if the secret is empty
     */
    public static String cobaltSignature(String secret, byte[] rawBody) {
        return HEX.formatHex(hmacSha256(cobaltKey(secret), Objects.requireNonNull(rawBody, "rawBody")));
    }

    /**
     * Checks a {@code cobalt-verification} value in constant time. Hex digits are accepted in
     * either case.
     *
     * @param secret the URL's cobalt secret
     * @param rawBody the body exactly as received
     * @param signatureHex the received header value; {@code null} or malformed hex never verifies
     * @return whether the signature is the body's HMAC under this secret
     * @throws IllegalArgumentException if the secret is empty
     */
    public static boolean verifyCobalt(String secret, byte[] rawBody, String signatureHex) {
        byte[] expected = hmacSha256(cobaltKey(secret), Objects.requireNonNull(rawBody, "rawBody"));
        if (signatureHex == null) {
            return false;
        }
        byte[] received;
        try {
            received = HEX.parseHex(signatureHex);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        return MessageDigest.isEqual(expected, received);
    }

    /**
     * Computes one Standard Webhooks signature.
     *
     * @param whsecSecret a {@code whsec_}-prefixed secret whose base64 part decodes to 24..64 bytes
     * @param msgId the {@code webhook-id} (the event id)
     * @param timestampSeconds the {@code webhook-timestamp}, Unix seconds of the attempt
     * @param body the body exactly as sent (signed as UTF-8)
     * @return {@code v1,} followed by the base64 HMAC-SHA256 of {@code msgId.timestamp.body}
     * @throws IllegalArgumentException if the secret is malformed
     */
    public static String standardSignature(String whsecSecret, String msgId, long timestampSeconds, String body) {
        Objects.requireNonNull(msgId, "msgId");
        Objects.requireNonNull(body, "body");
        String signed = msgId + "." + timestampSeconds + "." + body;
        byte[] mac = hmacSha256(standardKey(whsecSecret), signed.getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac);
    }

    /**
     * Computes a {@code webhook-signature} header value carrying one signature per secret,
     * space-separated in the given order, so that receivers holding any of the secrets verify
     * (used while a rotated-out secret is still valid).
     *
     * @param whsecSecrets one or more {@code whsec_} secrets
     * @param msgId the {@code webhook-id}
     * @param timestampSeconds the {@code webhook-timestamp}
     * @param body the body exactly as sent
     * @return e.g. {@code "v1,abc= v1,def="}
     * @throws IllegalArgumentException if the list is empty or a secret is malformed
     */
    public static String standardSignatureHeader(List<String> whsecSecrets, String msgId, long timestampSeconds,
            String body) {
        if (whsecSecrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is required");
        }
        return whsecSecrets.stream()
                .map(secret -> standardSignature(secret, msgId, timestampSeconds, body))
                .collect(Collectors.joining(" "));
    }

    /** {@return a new {@code cobalt} secret: 32 {@link SecureRandom} bytes as 64 lowercase hex characters} */
    public static String newCobaltSecret() {
        return HEX.formatHex(randomBytes());
    }

    /** {@return a new {@code standard} secret: {@code whsec_} + base64 of 32 {@link SecureRandom} bytes} */
    public static String newStandardSecret() {
        return STANDARD_SECRET_PREFIX + Base64.getEncoder().encodeToString(randomBytes());
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] cobaltKey(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("cobalt secret must not be empty");
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] standardKey(String whsecSecret) {
        if (whsecSecret == null || !whsecSecret.startsWith(STANDARD_SECRET_PREFIX)) {
            throw new IllegalArgumentException("standard secret must start with " + STANDARD_SECRET_PREFIX);
        }
        byte[] key = Base64.getDecoder().decode(whsecSecret.substring(STANDARD_SECRET_PREFIX.length()));
        if (key.length < MIN_STANDARD_KEY_BYTES || key.length > MAX_STANDARD_KEY_BYTES) {
            throw new IllegalArgumentException("standard secret must decode to " + MIN_STANDARD_KEY_BYTES + ".."
                    + MAX_STANDARD_KEY_BYTES + " bytes, got " + key.length);
        }
        return key;
    }

    private static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(key, HMAC_SHA256));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
