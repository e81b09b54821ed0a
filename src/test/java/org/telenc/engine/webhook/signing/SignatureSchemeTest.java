package org.telenc.engine.webhook.signing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignatureSchemeTest {

    @Test
    void wireNamesAreLowercase() {
        assertThat(SignatureScheme.COBALT.wireName()).isEqualTo("cobalt");
        assertThat(SignatureScheme.STANDARD.wireName()).isEqualTo("standard");
    }

    @Test
    void fromWireNameIsCaseSensitive() {
        assertThat(SignatureScheme.fromWireName("cobalt")).contains(SignatureScheme.COBALT);
        assertThat(SignatureScheme.fromWireName("standard")).contains(SignatureScheme.STANDARD);
        assertThat(SignatureScheme.fromWireName("Cobalt")).isEmpty();
        assertThat(SignatureScheme.fromWireName("STANDARD")).isEmpty();
        assertThat(SignatureScheme.fromWireName("")).isEmpty();
        assertThat(SignatureScheme.fromWireName(null)).isEmpty();
    }
}
