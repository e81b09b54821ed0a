package org.telenc.engine.webhook.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SignedHeadersTest {

    private static final String EVENT_ID = "evt_7f3a9c2b1d4e4f6a8b0c2d4e6f8a0b1c";
    private static final String CREATED = "2026-11-24T10:15:30.123Z";
    private static final String BODY = "{\"id\":\"evt_7f3a9c2b1d4e4f6a8b0c2d4e6f8a0b1c\",\"note\":\"Zoë\"}";
    private static final Instant ATTEMPT_TIME = Instant.parse("2026-11-24T10:20:00.900Z");

    @Test
    void cobaltHeadersInOrder() {
        String secret = WebhookSignatures.newCobaltSecret();

        Map<String, String> headers = SignedHeaders.forAttempt(SignatureScheme.COBALT, List.of(secret), EVENT_ID,
                CREATED, 2, ATTEMPT_TIME, BODY);

        assertThat(headers).containsExactly(
                Map.entry("cobalt-verification", WebhookSignatures.cobaltSignature(secret, BODY.getBytes(StandardCharsets.UTF_8))),
                Map.entry("webhook-id", EVENT_ID),
                Map.entry("webhook-timestamp", CREATED),
                Map.entry("webhook-attempt", "2"));
    }

    @Test
    void standardHeadersInOrder() {
        List<String> secrets = List.of(WebhookSignatures.newStandardSecret(), WebhookSignatures.newStandardSecret());

        Map<String, String> headers = SignedHeaders.forAttempt(SignatureScheme.STANDARD, secrets, EVENT_ID,
                CREATED, 1, ATTEMPT_TIME, BODY);

        assertThat(headers).containsExactly(
                Map.entry("webhook-id", EVENT_ID),
                Map.entry("webhook-timestamp", "1795515600"),
                Map.entry("webhook-signature",
                        WebhookSignatures.standardSignatureHeader(secrets, EVENT_ID, 1795515600L, BODY)),
                Map.entry("webhook-attempt", "1"));
    }

    @Test
    void officialLibraryVerifiesStandardHeaders() {
        String secret = WebhookSignatures.newStandardSecret();

        Map<String, String> headers = SignedHeaders.forAttempt(SignatureScheme.STANDARD,
                List.of(WebhookSignatures.newStandardSecret(), secret), EVENT_ID, CREATED, 3, Instant.now(), BODY);

        assertThatCode(() -> new Webhook(secret).verify(BODY, asHttpHeaders(headers))).doesNotThrowAnyException();
    }

    @Test
    void cobaltNeedsExactlyOneSecret() {
        List<String> two = List.of(WebhookSignatures.newCobaltSecret(), WebhookSignatures.newCobaltSecret());

        assertThatIllegalArgumentException().isThrownBy(() -> SignedHeaders.forAttempt(SignatureScheme.COBALT, two,
                EVENT_ID, CREATED, 1, ATTEMPT_TIME, BODY));
        assertThatIllegalArgumentException().isThrownBy(() -> SignedHeaders.forAttempt(SignatureScheme.COBALT, List.of(),
                EVENT_ID, CREATED, 1, ATTEMPT_TIME, BODY));
    }

    @Test
    void attemptsStartAtOne() {
        assertThatIllegalArgumentException().isThrownBy(() -> SignedHeaders.forAttempt(SignatureScheme.STANDARD,
                List.of(WebhookSignatures.newStandardSecret()), EVENT_ID, CREATED, 0, ATTEMPT_TIME, BODY));
    }

    @Test
    void headersAreUnmodifiable() {
        Map<String, String> headers = SignedHeaders.forAttempt(SignatureScheme.COBALT,
                List.of(WebhookSignatures.newCobaltSecret()), EVENT_ID, CREATED, 1, ATTEMPT_TIME, BODY);

        assertThatThrownBy(() -> headers.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    private static HttpHeaders asHttpHeaders(Map<String, String> headers) {
        return HttpHeaders.of(headers.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> List.of(entry.getValue()))), (name, value) -> true);
    }
}
