package org.telenc.engine.emr.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.telenc.engine.support.MutualTlsServer;

/** What the TLS part of a connection accepts and refuses, and that nothing of its key is ever shown. */
class EmrTlsSettingsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    // within the test certificates' validity (made to last 100 years, see src/test/resources/tls/make-certs.sh)
    static final Instant NOW = Instant.parse("2100-01-01T00:00:00Z");
    static final String CERT = MutualTlsServer.pem("client.pem");
    static final String KEY = MutualTlsServer.pem("client-key.pem");
    static final String EC_CERT = MutualTlsServer.pem("client-ec.pem");
    static final String EC_KEY = MutualTlsServer.pem("client-ec-key.pem");
    static final String CA = MutualTlsServer.pem("ca.pem");

    static ObjectNode tls(String certificate, String key, String ca) {
        ObjectNode node = JSON.createObjectNode();
        if (certificate != null) {
            node.put("client_certificate_pem", certificate);
        }
        if (key != null) {
            node.put("client_key_pem", key);
        }
        if (ca != null) {
            node.put("ca_certificates_pem", ca);
        }
        return node;
    }

    static String refusal(JsonNode node) {
        try {
            EmrTlsSettings.parse(node, NOW);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).doesNotContain("MII").doesNotContain("PRIVATE KEY-----\n");
            return EmrTlsSettings.fieldOf(e) + ": " + e.getMessage();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void aCertificateWithItsKeyAndCasAreAccepted() {
        EmrTlsSettings rsa = EmrTlsSettings.parse(tls(CERT, KEY, CA), NOW);
        assertThat(rsa.clientCertificateSubject()).isEqualTo("O=Test Clinic,CN=telenc-engine");
        assertThat(rsa.clientCertificateNotAfter()).isAfter(NOW);
        assertThat(rsa.caCertificateCount()).isEqualTo(1);
        assertThat(EmrTlsSettings.parse(tls(EC_CERT, EC_KEY, null), NOW).clientCertificateSubject()).isEqualTo("CN=telenc-engine-ec");
        assertThat(EmrTlsSettings.parse(tls(null, null, CA + CA), NOW).caCertificateCount()).isEqualTo(2);
        // escaped line breaks, as a PEM pasted into one JSON line often arrives
        assertThat(EmrTlsSettings.parse(tls(CERT.replace("\n", "\\n"), KEY.replace("\n", "\\n"), null), NOW).hasClientCertificate()).isTrue();
        assertThat(EmrTlsSettings.parse(JSON.createObjectNode(), NOW).isNone()).isTrue();
    }

    @Test
    void whatIsRefusedNamesItsField() {
        assertThat(refusal(tls("not a pem", KEY, null))).startsWith("client_certificate_pem: ").contains("is not a PEM certificate");
        assertThat(refusal(tls("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", KEY, null)))
                .startsWith("client_certificate_pem: ").contains("is not a valid PEM certificate");
        assertThat(refusal(tls(CERT, "-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----", null))).startsWith("client_key_pem: ");
        assertThat(refusal(tls(CERT, EC_KEY, null))).isEqualTo("client_key_pem: EMR TLS settings: client_key_pem does not match the "
                + "first certificate of client_certificate_pem");
        assertThat(refusal(tls(CERT, MutualTlsServer.pem("server-key.pem"), null))).startsWith("client_key_pem: ").contains("does not match");
        assertThat(refusal(tls(MutualTlsServer.pem("client-expired.pem"), KEY, null)))
                .isEqualTo("client_certificate_pem: EMR TLS settings: client_certificate_pem has expired (not after 2001-01-01T00:00:00Z)");
        assertThatThrownBy(() -> EmrTlsSettings.parse(tls(CERT, KEY, null), Instant.parse("2000-06-01T00:00:00Z")))
                .hasMessageStartingWith("EMR TLS settings: client_certificate_pem is not valid yet (not before ");
        assertThat(refusal(tls(CERT, MutualTlsServer.pem("dsa-key.pem"), null))).startsWith("client_key_pem: ")
                .contains("not an RSA or EC PKCS#8 private key");
        assertThat(refusal(tls(CERT, null, null))).startsWith("client_key_pem: ").contains("is missing");
        assertThat(refusal(tls(null, KEY, null))).startsWith("client_certificate_pem: ").contains("is missing");
        assertThat(refusal(tls(null, null, "garbage"))).startsWith("ca_certificates_pem: ");
        assertThat(refusal(tls(CERT, KEY, null).put("client_key", "x"))).startsWith("client_key: ").contains("is not known");
        assertThat(refusal(JSON.createObjectNode().put("client_key_pem", 5))).startsWith("client_key_pem: ").contains("must be a string");
        assertThat(refusal(JSON.createArrayNode())).startsWith("tls: ");
    }

    @Test
    void storedTogetherWithTheAuthAndReadBackApart() throws Exception {
        JsonNode auth = JSON.readTree("{\"type\":\"bearer\",\"token\":\"t-1\"}");
        String stored = EmrTlsSettings.stored(auth, tls(CERT, KEY, CA));
        assertThat(EmrAuthSettings.parse(EmrTlsSettings.authOfStored(stored))).isEqualTo(EmrAuthSettings.bearer("t-1"));
        assertThat(EmrTlsSettings.ofStored(stored)).isEqualTo(EmrTlsSettings.parse(tls(CERT, KEY, CA), NOW));
        String tlsOnly = EmrTlsSettings.stored(null, tls(CERT, KEY, null));
        assertThat(EmrAuthSettings.parse(EmrTlsSettings.authOfStored(tlsOnly)).type()).isEqualTo(EmrAuthSettings.Type.NONE);
        assertThat(EmrTlsSettings.ofStored(tlsOnly).hasClientCertificate()).isTrue();
        assertThat(EmrTlsSettings.stored(null, null)).isNull();
        // stored credentials from before the TLS part: the auth alone
        assertThat(EmrTlsSettings.ofStored("{\"type\":\"bearer\",\"token\":\"t-1\"}").isNone()).isTrue();
        // a certificate that expired since it was stored is still read (the EMR refuses it, the job says so)
        assertThat(EmrTlsSettings.ofStored(EmrTlsSettings.stored(null, tls(MutualTlsServer.pem("client-expired.pem"), KEY, null)))
                .hasClientCertificate()).isTrue();
        // the auth part never takes a tls member of its own
        assertThatThrownBy(() -> EmrAuthSettings.parse(stored)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKeyIsNeverShown() {
        EmrTlsSettings settings = EmrTlsSettings.parse(tls(CERT, KEY, CA), NOW);
        String keyBody = KEY.lines().skip(1).findFirst().orElseThrow();
        assertThat(settings.toString()).doesNotContain(keyBody).contains("clientKey=***").contains("CN=telenc-engine");
    }
}
