package org.telenc.engine.webhook.signing;

import java.util.Optional;

/** How deliveries to one webhook URL are signed; chosen per URL at registration (docs/api.md "Signatures"). */
public enum SignatureScheme {

    /** Cobalt's scheme, the default: {@code cobalt-verification} = hex HMAC-SHA256 of the raw body. */
    COBALT("cobalt"),

    /** The Standard Webhooks scheme (standardwebhooks.com): {@code webhook-signature: v1,<base64>}. */
    STANDARD("standard");

    private final String wireName;

    SignatureScheme(String wireName) {
        this.wireName = wireName;
    }

    /** {@return the name used in the API ({@code signature_scheme}) and storage: {@code cobalt} or {@code standard}} */
    public String wireName() {
        return wireName;
    }

    /**
     * Looks a scheme up by its wire name, case-sensitively (the API takes lowercase only).
     *
     * @param wireName the name as received; may be {@code null}
     * @return the scheme, or empty if the name is unknown or {@code null}
     */
    public static Optional<SignatureScheme> fromWireName(String wireName) {
        for (SignatureScheme scheme : values()) {
            if (scheme.wireName.equals(wireName)) {
                return Optional.of(scheme);
            }
        }
        return Optional.empty();
    }
}
