package org.telenc.engine.emr.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * How the engine authenticates to one EMR connection. Stored as JSON with the connection and read by
 * {@link #parse(String)}:
 *
 * <pre>
 * {"type": "none"}
 * {"type": "bearer", "token": "..."}
 * {"type": "basic", "username": "...", "password": "..."}
 * {"type": "smart-backend", "token_url": "https://emr.example/oauth2/token", "client_id": "...",
 *  "scope": "system/*.rs system/Encounter.c", "private_key_pem": "-----BEGIN PRIVATE KEY-----\n...",
 *  "key_id": "...", "alg": "RS384"}
 * {"type": "api-key", "header": "X-API-Key", "api_key": "..."}
 * </pre>
 *
 * {@code smart-backend} is SMART App Launch "Backend Services": an unencrypted PKCS#8 PEM key, RSA
 * (at least 2048 bits) for {@code RS384} or EC P-384 for {@code ES384}; {@code alg} may be left out
 * and then follows the key. {@code token_url} must be {@code https}, except on a loopback host.
 * {@code api-key} sends the key in the request header {@code header} (an HTTP header name the
 * engine does not set itself). A field the type does not use is refused, so a misspelt one cannot pass silently.
 *
 * <p>Errors are {@link IllegalArgumentException}s naming the field; neither they nor
 * {@link #toString()} ever show a token, password or key.
 */
public record EmrAuthSettings(Type type, String token, String username, String password, String tokenUrl,
        String clientId, String scope, String privateKeyPem, String keyId, String alg, String header, String apiKey) {

    /** The kinds of authentication, by their JSON name. */
    public enum Type {
        NONE("none"), BEARER("bearer"), BASIC("basic"), SMART_BACKEND("smart-backend"), API_KEY("api-key");

        private final String json;

        Type(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }

        static Type fromJson(String value) {
            return Arrays.stream(values()).filter(t -> t.json.equals(value)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "EMR auth settings: type must be one of none, bearer, basic, smart-backend, api-key"));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final EmrAuthSettings NONE = new EmrAuthSettings(Type.NONE, null, null, null, null, null, null,
            null, null, null, null, null);

    /** An HTTP header name (RFC 9110 token). */
    private static final java.util.regex.Pattern HEADER_NAME = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
    /** Headers the engine sets itself, or that would change the request's meaning: never an API key's. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-type", "content-length", "accept",
            "idempotency-key", "if-match", "if-none-exist", "if-none-match", "transfer-encoding", "connection", "cookie");

    public EmrAuthSettings {
        if (type == null) {
            throw new IllegalArgumentException("EMR auth settings: type is missing");
        }
        switch (type) {
            case NONE -> onlyFields(type, token, username, password, tokenUrl, clientId, scope, privateKeyPem, keyId, alg,
                    header, apiKey);
            case BEARER -> {
                onlyFields(type, username, password, tokenUrl, clientId, scope, privateKeyPem, keyId, alg, header, apiKey);
                require("token", token);
                if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                    throw new IllegalArgumentException("EMR auth settings: token must be printable ASCII without spaces");
                }
            }
            case BASIC -> {
                onlyFields(type, token, tokenUrl, clientId, scope, privateKeyPem, keyId, alg, header, apiKey);
                require("username", username);
                if (password == null) {
                    throw new IllegalArgumentException("EMR auth settings: basic requires password");
                }
                if (username.indexOf(':') >= 0 || username.chars().anyMatch(Character::isISOControl)) {
                    throw new IllegalArgumentException("EMR auth settings: username must not contain ':' or control characters");
                }
                if (password.chars().anyMatch(Character::isISOControl)) {
                    throw new IllegalArgumentException("EMR auth settings: password must not contain control characters");
                }
            }
            case SMART_BACKEND -> {
                onlyFields(type, token, username, password, header, apiKey);
                require("token_url", tokenUrl);
                require("client_id", clientId);
                require("scope", scope);
                require("private_key_pem", privateKeyPem);
                require("key_id", keyId);
                tokenUrl = tokenUrl.strip();
                checkTokenUrl(tokenUrl);
                PrivateKey key = PemPrivateKeys.parse(privateKeyPem);
                alg = alg == null ? PemPrivateKeys.algorithmFor(key) : alg.strip().toUpperCase(Locale.ROOT);
                PemPrivateKeys.checkFits(key, alg);
            }
            case API_KEY -> {
                onlyFields(type, token, username, password, tokenUrl, clientId, scope, privateKeyPem, keyId, alg);
                require("header", header);
                require("api_key", apiKey);
                header = header.strip();
                if (!HEADER_NAME.matcher(header).matches() || RESERVED_HEADERS.contains(header.toLowerCase(Locale.ROOT))
                        || header.toLowerCase(Locale.ROOT).startsWith("camel")) {
                    throw new IllegalArgumentException("EMR auth settings: header must be an HTTP header name the engine does "
                            + "not set itself (e.g. X-API-Key)");
                }
                if (!apiKey.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                    throw new IllegalArgumentException("EMR auth settings: api_key must be printable ASCII without spaces");
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    public static EmrAuthSettings none() {
        return NONE;
    }

    public static EmrAuthSettings bearer(String token) {
        return new EmrAuthSettings(Type.BEARER, token, null, null, null, null, null, null, null, null, null, null);
    }

    public static EmrAuthSettings basic(String username, String password) {
        return new EmrAuthSettings(Type.BASIC, null, username, password, null, null, null, null, null, null, null, null);
    }

    /** {@code alg} may be null: RS384 for an RSA key, ES384 for an EC key. */
    public static EmrAuthSettings smartBackend(String tokenUrl, String clientId, String scope, String privateKeyPem,
            String keyId, String alg) {
        return new EmrAuthSettings(Type.SMART_BACKEND, null, null, null, tokenUrl, clientId, scope, privateKeyPem,
                keyId, alg, null, null);
    }

    /** An API key sent in the request header {@code header} (e.g. {@code X-API-Key}). */
    public static EmrAuthSettings apiKey(String header, String apiKey) {
        return new EmrAuthSettings(Type.API_KEY, null, null, null, null, null, null, null, null, null, header, apiKey);
    }

    /** The settings in {@code json}; null, blank or JSON {@code null} means {@code none}. */
    public static EmrAuthSettings parse(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // the parser's own message quotes the input, which may hold a secret: position only, no cause
            var at = e.getLocation();
            throw new IllegalArgumentException("EMR auth settings are not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NONE;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("EMR auth settings must be a JSON object");
        }
        String typeName = text(node, "type");
        require("type", typeName);
        Type type = Type.fromJson(typeName.strip());
        Set<String> allowed = switch (type) {
            case NONE -> Set.of("type");
            case BEARER -> Set.of("type", "token");
            case BASIC -> Set.of("type", "username", "password");
            case SMART_BACKEND -> Set.of("type", "token_url", "client_id", "scope", "private_key_pem", "key_id", "alg");
            case API_KEY -> Set.of("type", "header", "api_key");
        };
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("EMR auth settings: field " + safeName(name) + " is not used by type "
                        + type.json() + " (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        return new EmrAuthSettings(type, text(node, "token"), text(node, "username"), text(node, "password"),
                text(node, "token_url"), text(node, "client_id"), text(node, "scope"), text(node, "private_key_pem"),
                text(node, "key_id"), text(node, "alg"), text(node, "header"), text(node, "api_key"));
    }

    @Override
    public String toString() {
        return switch (type) {
            case NONE -> "EmrAuthSettings[type=none]";
            case BEARER -> "EmrAuthSettings[type=bearer, token=***]";
            case BASIC -> "EmrAuthSettings[type=basic, username=" + username + ", password=***]";
            case SMART_BACKEND -> "EmrAuthSettings[type=smart-backend, tokenUrl=" + tokenUrl + ", clientId=" + clientId
                    + ", scope=" + scope + ", keyId=" + keyId + ", alg=" + alg + ", privateKeyPem=***]";
            case API_KEY -> "EmrAuthSettings[type=api-key, header=" + header + ", apiKey=***]";
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("EMR auth settings: " + field + " must be a string");
        }
        return value.textValue();
    }

    /** A field name from the input, shown only when it looks like one (a misplaced value is not echoed). */
    private static String safeName(String name) {
        return name.matches("[A-Za-z0-9_.-]{1,40}") ? name : "(unnamed)";
    }

    private static void require(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("EMR auth settings: " + field + " is missing");
        }
    }

    private static void onlyFields(Type type, String... unused) {
        for (String value : unused) {
            if (value != null) {
                throw new IllegalArgumentException("EMR auth settings: a field was set that type " + type.json()
                        + " does not use");
            }
        }
    }

    private static void checkTokenUrl(String tokenUrl) {
        URI uri;
        try {
            uri = new URI(tokenUrl);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("EMR auth settings: token_url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("EMR auth settings: token_url must be an absolute https URL");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException("EMR auth settings: token_url must use https (http only for a loopback host)");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("EMR auth settings: token_url must not carry user info or a fragment");
        }
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.matches("127(\\.[0-9]{1,3}){3}") || h.equals("[::1]") || h.equals("::1");
    }
}
