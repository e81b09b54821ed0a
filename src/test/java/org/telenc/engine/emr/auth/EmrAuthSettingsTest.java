package org.telenc.engine.emr.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class EmrAuthSettingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN_URL = "https://emr.example.org/oauth2/token";
    private static String rsaPem;
    private static String ecPem;

    @BeforeAll
    static void keys() {
        rsaPem = TestKeys.pem(TestKeys.rsa(2048).getPrivate());
        ecPem = TestKeys.pem(TestKeys.ec("secp384r1").getPrivate());
    }

    private static String smartJson(Map<String, String> overrides, String... without) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "smart-backend");
        node.put("token_url", TOKEN_URL);
        node.put("client_id", "engine-client");
        node.put("scope", "system/*.rs system/Encounter.c");
        node.put("private_key_pem", rsaPem);
        node.put("key_id", "kid-1");
        node.put("alg", "RS384");
        overrides.forEach(node::put);
        for (String field : without) {
            node.remove(field);
        }
        return node.toString();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "null", "{\"type\":\"none\"}"})
    void nothingMeansNone(String json) {
        assertThat(EmrAuthSettings.parse(json)).isEqualTo(EmrAuthSettings.none());
        assertThat(EmrAuthSettings.parse(json).type()).isEqualTo(EmrAuthSettings.Type.NONE);
    }

    @Test
    void parsesEveryType() {
        assertThat(EmrAuthSettings.parse("{\"type\":\"bearer\",\"token\":\"tok-123\"}"))
                .isEqualTo(EmrAuthSettings.bearer("tok-123"));
        assertThat(EmrAuthSettings.parse("{\"type\":\"basic\",\"username\":\"Aladdin\",\"password\":\"open sesame\"}"))
                .isEqualTo(EmrAuthSettings.basic("Aladdin", "open sesame"));

        EmrAuthSettings smart = EmrAuthSettings.parse(smartJson(Map.of()));
        assertThat(smart.type()).isEqualTo(EmrAuthSettings.Type.SMART_BACKEND);
        assertThat(smart.tokenUrl()).isEqualTo(TOKEN_URL);
        assertThat(smart.clientId()).isEqualTo("engine-client");
        assertThat(smart.scope()).isEqualTo("system/*.rs system/Encounter.c");
        assertThat(smart.privateKeyPem()).isEqualTo(rsaPem);
        assertThat(smart.keyId()).isEqualTo("kid-1");
        assertThat(smart.alg()).isEqualTo("RS384");

        assertThat(EmrAuthSettings.parse(smartJson(Map.of("private_key_pem", ecPem, "alg", "ES384"))).alg())
                .isEqualTo("ES384");
    }

    @Test
    void anApiKeyNamesItsHeaderAndNeverShowsTheKey() {
        EmrAuthSettings apiKey = EmrAuthSettings.parse("""
                {"type":"api-key","header":"X-API-Key","api_key":"k-secret-1"}""");
        assertThat(apiKey).isEqualTo(EmrAuthSettings.apiKey("X-API-Key", "k-secret-1"));
        assertThat(apiKey.toString()).contains("X-API-Key").doesNotContain("k-secret-1");
        for (String header : List.of("Content-Type", "Idempotency-Key", "CamelHttpUri", "X API Key", "")) {
            assertThatThrownBy(() -> EmrAuthSettings.apiKey(header, "k-secret-1")).as(header)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header")
                    .hasMessageNotContaining("k-secret-1");
        }
        assertThatThrownBy(() -> EmrAuthSettings.parse("""
                {"type":"api-key","header":"X-API-Key","api_key":"k secret"}""")).hasMessageNotContaining("k secret");
        assertThatThrownBy(() -> EmrAuthSettings.parse("""
                {"type":"api-key","header":"X-API-Key","api_key":"k-1","token":"t"}""")).hasMessageContaining("token");
    }

    @Test
    void algFollowsTheKeyWhenLeftOut() {
        assertThat(EmrAuthSettings.parse(smartJson(Map.of(), "alg")).alg()).isEqualTo("RS384");
        assertThat(EmrAuthSettings.parse(smartJson(Map.of("private_key_pem", ecPem), "alg")).alg()).isEqualTo("ES384");
    }

    @Test
    void aPemWithEscapedLineBreaksIsRead() {
        String escaped = rsaPem.replace("\n", "\\n");
        assertThat(EmrAuthSettings.parse(smartJson(Map.of("private_key_pem", escaped))).alg()).isEqualTo("RS384");
    }

    @ParameterizedTest
    @ValueSource(strings = {"token_url", "client_id", "scope", "private_key_pem", "key_id"})
    void smartBackendNamesTheMissingField(String field) {
        assertThatThrownBy(() -> EmrAuthSettings.parse(smartJson(Map.of(), field)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(field + " is missing");
        assertThatThrownBy(() -> EmrAuthSettings.parse(smartJson(Map.of(field, " "))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(field + " is missing");
    }

    @Test
    void bearerAndBasicNameTheMissingField() {
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"type\":\"bearer\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token is missing");
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"type\":\"basic\",\"password\":\"pw-secret\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("username is missing");
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"type\":\"basic\",\"username\":\"u\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requires password");
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"token\":\"tok-secret\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type is missing");
    }

    @Test
    void refusesWhatItCannotUse() {
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"type\":\"oauth-magic\"}"))
                .hasMessageContaining("type must be one of none, bearer, basic, smart-backend");
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"type\":\"bearer\",\"token\":\"t\",\"tokn_url\":\"x\"}"))
                .hasMessageContaining("field tokn_url is not used by type bearer");
        assertThatThrownBy(() -> EmrAuthSettings.parse("[\"bearer\"]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"type\":\"bearer\",\"token\":42}"))
                .hasMessageContaining("token must be a string");
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"type\":\"basic\",\"username\":\"a:b\",\"password\":\"p\"}"))
                .hasMessageContaining("username must not contain ':'");
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"type\":\"bearer\",\"token\":\"a b\"}"))
                .hasMessageContaining("token must be printable ASCII");
        assertThatThrownBy(() -> EmrAuthSettings.parse(smartJson(Map.of("alg", "HS256"))))
                .hasMessageContaining("alg must be RS384 or ES384");
        assertThatThrownBy(() -> EmrAuthSettings.parse(smartJson(Map.of("token_url", "http://emr.example.org/token"))))
                .hasMessageContaining("token_url must use https");
        assertThatThrownBy(() -> EmrAuthSettings.parse(smartJson(Map.of("token_url", "not a url"))))
                .hasMessageContaining("token_url");
        assertThat(EmrAuthSettings.parse(smartJson(Map.of("token_url", "http://127.0.0.1:8080/token"))).tokenUrl())
                .isEqualTo("http://127.0.0.1:8080/token");
    }

    @Test
    void refusesKeysThatDoNotFit() {
        assertThatThrownBy(() -> EmrAuthSettings.parse(smartJson(Map.of("alg", "ES384"))))
                .hasMessageContaining("ES384 needs an EC P-384");
        assertThatThrownBy(() -> EmrAuthSettings.parse(smartJson(Map.of("private_key_pem", ecPem, "alg", "RS384"))))
                .hasMessageContaining("RS384 needs an RSA");
        String p256 = TestKeys.pem(TestKeys.ec("secp256r1").getPrivate());
        assertThatThrownBy(() -> EmrAuthSettings.parse(smartJson(Map.of("private_key_pem", p256), "alg")))
                .hasMessageContaining("ES384 needs an EC P-384");
        String rsa1024 = TestKeys.pem(TestKeys.rsa(1024).getPrivate());
        assertThatThrownBy(() -> EmrAuthSettings.parse(smartJson(Map.of("private_key_pem", rsa1024))))
                .hasMessageContaining("at least 2048 bits");
        String pkcs1Label = rsaPem.replace("PRIVATE KEY", "RSA PRIVATE KEY");
        assertThatThrownBy(() -> EmrAuthSettings.parse(smartJson(Map.of("private_key_pem", pkcs1Label))))
                .hasMessageContaining("must be PKCS#8");
        assertThatThrownBy(() -> EmrAuthSettings.parse(smartJson(Map.of("private_key_pem", "not-a-key-secret"))))
                .hasMessageContaining("private_key_pem is not a PEM private key")
                .hasMessageNotContaining("not-a-key-secret");
        String garbage = TestKeys.pem("PRIVATE KEY", "definitely not DER".getBytes());
        assertThatThrownBy(() -> EmrAuthSettings.parse(smartJson(Map.of("private_key_pem", garbage))))
                .hasMessageContaining("not an RSA or EC PKCS#8 private key");
    }

    @Test
    void toStringNeverShowsSecrets() {
        String bearer = EmrAuthSettings.bearer("tok-SECRET-bearer").toString();
        assertThat(bearer).contains("bearer").doesNotContain("tok-SECRET-bearer");

        String basic = EmrAuthSettings.basic("alice", "pw-SECRET-basic").toString();
        assertThat(basic).contains("alice").doesNotContain("pw-SECRET-basic");

        KeyPair pair = TestKeys.rsa(2048);
        String pem = TestKeys.pem(pair.getPrivate());
        String smart = EmrAuthSettings.smartBackend(TOKEN_URL, "engine-client", "system/*.rs", pem, "kid-1", "RS384")
                .toString();
        assertThat(smart).contains("engine-client", "kid-1", "RS384", TOKEN_URL)
                .doesNotContain("PRIVATE KEY")
                .doesNotContain(TestKeys.pemBody(pem).substring(0, 40))
                .doesNotContain(TestKeys.pemBody(pem).substring(200, 240));
        assertThat(EmrAuthSettings.none().toString()).isEqualTo("EmrAuthSettings[type=none]");
    }

    @Test
    void errorsNeverEchoSecretValues() {
        // broken JSON right after a secret: Jackson's own message would quote it
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"type\":\"bearer\",\"token\":\"tok-SECRET-json\" oops}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageNotContaining("tok-SECRET-json")
                .hasNoCause();
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"type\":\"basic\",\"username\":\"u\",\"password\":\"pw-SECRET\",\"password\":\"x\"}"))
                .hasMessageNotContaining("pw-SECRET");
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"type\":\"bearer\",\"token\":\"t\",\"tok-SECRET as key\":\"x\"}"))
                .hasMessageNotContaining("tok-SECRET");
        assertThatThrownBy(() -> EmrAuthSettings.parse("{\"type\":\"tok-SECRET-type\"}"))
                .hasMessageNotContaining("tok-SECRET");
    }
}
