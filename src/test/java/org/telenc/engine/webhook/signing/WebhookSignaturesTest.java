package org.telenc.engine.webhook.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Both signature schemes. The {@code standard} scheme is checked against the official Standard
 * Webhooks Java library ({@code com.standardwebhooks:standardwebhooks}).
 */
class WebhookSignaturesTest {

    private static final String BODY = "{\"id\":\"evt_7f3a9c2b1d4e4f6a8b0c2d4e6f8a0b1c\",\"object\":\"event\",\"note\":\"Zoë ☎ 😀\"}";
    private static final byte[] BODY_BYTES = BODY.getBytes(StandardCharsets.UTF_8);
    private static final String EVENT_ID = "evt_7f3a9c2b1d4e4f6a8b0c2d4e6f8a0b1c";
    private static final String COBALT_SECRET = "c0ba17c0ba17c0ba17c0ba17c0ba17c0ba17c0ba17c0ba17c0ba17c0ba17c0ba";
    /** {@code whsec_} + base64 of the bytes 0x00..0x1f. */
    private static final String STANDARD_SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    // ---- cobalt

    @Test
    void cobaltSignatureMatchesAnOpensslVector() {
        // printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$COBALT_SECRET"   (BODY in UTF-8);
        // node's crypto.createHmac('sha256', secret).update(body).digest('hex') gives the same.
        assertThat(WebhookSignatures.cobaltSignature(COBALT_SECRET, BODY_BYTES))
                .isEqualTo("975a0d7889a9e10c62dd5caa8e4db677185162edbd6ce3d06fa53d6925d5b8ff");
    }

    @Test
    void cobaltSignatureIsLowercaseHexHmacOfTheRawBodyKeyedWithTheSecretText() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("any secret ✓".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String independent = HexFormat.of().formatHex(mac.doFinal(BODY_BYTES));

        assertThat(WebhookSignatures.cobaltSignature("any secret ✓", BODY_BYTES))
                .isEqualTo(independent)
                .matches("[0-9a-f]{64}");
    }

    @Test
    void verifyCobaltAcceptsOnlyTheRightSignature() {
        String signature = WebhookSignatures.cobaltSignature(COBALT_SECRET, BODY_BYTES);
        byte[] tampered = BODY.replace("Zoë", "Zoe").getBytes(StandardCharsets.UTF_8);

        assertThat(WebhookSignatures.verifyCobalt(COBALT_SECRET, BODY_BYTES, signature)).isTrue();
        assertThat(WebhookSignatures.verifyCobalt(COBALT_SECRET, BODY_BYTES, signature.toUpperCase())).isTrue();
        assertThat(WebhookSignatures.verifyCobalt(COBALT_SECRET, tampered, signature)).isFalse();
        assertThat(WebhookSignatures.verifyCobalt(COBALT_SECRET + "x", BODY_BYTES, signature)).isFalse();
        assertThat(WebhookSignatures.verifyCobalt(COBALT_SECRET, BODY_BYTES, signature.substring(2))).isFalse();
        assertThat(WebhookSignatures.verifyCobalt(COBALT_SECRET, BODY_BYTES, "zz" + signature.substring(2))).isFalse();
        assertThat(WebhookSignatures.verifyCobalt(COBALT_SECRET, BODY_BYTES, "abc")).isFalse();
        assertThat(WebhookSignatures.verifyCobalt(COBALT_SECRET, BODY_BYTES, null)).isFalse();
    }

    @Test
    void cobaltRejectsAnEmptySecret() {
        assertThatIllegalArgumentException().isThrownBy(() -> WebhookSignatures.cobaltSignature("", BODY_BYTES));
    }

    @Test
    void newCobaltSecretsAre64RandomLowercaseHexCharacters() {
        String first = WebhookSignatures.newCobaltSecret();

        assertThat(first).matches("[0-9a-f]{64}");
        assertThat(WebhookSignatures.newCobaltSecret()).isNotEqualTo(first);
    }

    // ---- standard

    @Test
    void standardSignatureReproducesThePublishedTestVector() {
        // The vector of the Standard Webhooks / Svix reference libraries' sign tests (24-byte key).
        assertThat(WebhookSignatures.standardSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void standardSignatureMatchesANodeVectorAndTheOfficialLibrary() throws Exception {
        // node: "v1," + crypto.createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
        //         .update(`${EVENT_ID}.1795947330.${BODY}`, 'utf8').digest('base64')
        String ours = WebhookSignatures.standardSignature(STANDARD_SECRET, EVENT_ID, 1795947330L, BODY);

        assertThat(ours).isEqualTo("v1,0EF/GForA/YrOW3GHtq68MOYiFQ6XDgL9id19jVHkeI=");
        assertThat(ours).isEqualTo(new Webhook(STANDARD_SECRET).sign(EVENT_ID, 1795947330L, BODY));
    }

    @Test
    void officialLibraryVerifiesOurSignature() {
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSignatures.standardSignature(STANDARD_SECRET, EVENT_ID, now, BODY);

        assertThatCode(() -> new Webhook(STANDARD_SECRET).verify(BODY, headers(now, signature)))
                .doesNotThrowAnyException();
    }

    @Test
    void officialLibraryVerifiesWhenOnlyTheSecondSignatureIsItsSecret() {
        long now = Instant.now().getEpochSecond();
        String oldSecret = WebhookSignatures.newStandardSecret();
        String header = WebhookSignatures.standardSignatureHeader(List.of(oldSecret, STANDARD_SECRET), EVENT_ID, now, BODY);

        assertThat(header.split(" ")).hasSize(2).allMatch(part -> part.startsWith("v1,"));
        assertThat(header.split(" ")[1]).isEqualTo(WebhookSignatures.standardSignature(STANDARD_SECRET, EVENT_ID, now, BODY));
        assertThatCode(() -> new Webhook(STANDARD_SECRET).verify(BODY, headers(now, header)))
                .doesNotThrowAnyException();
        assertThatCode(() -> new Webhook(oldSecret).verify(BODY, headers(now, header)))
                .doesNotThrowAnyException();
    }

    @Test
    void officialLibraryRejectsATamperedBody() {
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSignatures.standardSignature(STANDARD_SECRET, EVENT_ID, now, BODY);

        assertThatThrownBy(() -> new Webhook(STANDARD_SECRET).verify(BODY.replace("Zoë", "Zoe"), headers(now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void officialLibraryRejectsTheWrongSecret() {
        long now = Instant.now().getEpochSecond();
        String header = WebhookSignatures.standardSignatureHeader(
                List.of(WebhookSignatures.newStandardSecret(), WebhookSignatures.newStandardSecret()), EVENT_ID, now, BODY);

        assertThatThrownBy(() -> new Webhook(STANDARD_SECRET).verify(BODY, headers(now, header)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void newStandardSecretsAreWhsecBase64Of32RandomBytes() {
        String secret = WebhookSignatures.newStandardSecret();

        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSize(32);
        assertThat(WebhookSignatures.newStandardSecret()).isNotEqualTo(secret);
    }

    @Test
    void standardRejectsMalformedSecrets() {
        for (String secret : List.of("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "whsec_not base64!",
                "whsec_" + Base64.getEncoder().encodeToString(new byte[23]),
                "whsec_" + Base64.getEncoder().encodeToString(new byte[65]))) {
            assertThatIllegalArgumentException().as(secret)
                    .isThrownBy(() -> WebhookSignatures.standardSignature(secret, EVENT_ID, 1L, BODY));
        }
        assertThatIllegalArgumentException()
                .isThrownBy(() -> WebhookSignatures.standardSignatureHeader(List.of(), EVENT_ID, 1L, BODY));
    }

    private static HttpHeaders headers(long timestamp, String signature) {
        return HttpHeaders.of(Map.of(
                "webhook-id", List.of(EVENT_ID),
                "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature)), (name, value) -> true);
    }
}
