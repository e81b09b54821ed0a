package org.telenc.engine.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.util.List;
import org.telenc.engine.api.ApiException;

/**
 * The admin API's request and response bodies, bound by Jackson (snake_case on the wire). A text
 * field of a request takes a string or an integral number, trimmed; empty is absent; anything else
 * is {@code 400 invalid_request} naming the field. {@code settings} and {@code auth} stay JSON
 * values: absent is {@code null}, an explicit JSON {@code null} is a null node (an update clears).
 */
final class AdminBodies {

    private AdminBodies() {
    }

    // ---- requests ----

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CreateClient(@JsonDeserialize(using = Text.class) String clientId, @JsonDeserialize(using = Text.class) String name) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record UpdateClient(@JsonDeserialize(using = Text.class) String status, @JsonDeserialize(using = Text.class) String name) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CreateConnection(@JsonDeserialize(using = Text.class) String name,
            @JsonDeserialize(using = Text.class) String emrType, @JsonDeserialize(using = Text.class) String baseUrl,
            JsonNode settings, JsonNode auth, JsonNode tls) {
        @Override
        public String toString() { // auth and tls hold credentials
            return "CreateConnection[name=" + name + ", emrType=" + emrType + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record UpdateConnection(@JsonDeserialize(using = Text.class) String name,
            @JsonDeserialize(using = Text.class) String emrType, @JsonDeserialize(using = Text.class) String baseUrl,
            @JsonDeserialize(using = Text.class) String status, JsonNode settings, JsonNode auth, JsonNode tls) {
        @Override
        public String toString() { // auth and tls hold credentials
            return "UpdateConnection[name=" + name + ", emrType=" + emrType + ", status=" + status + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record IssueToken(@JsonDeserialize(using = Text.class) String connection,
            @JsonDeserialize(using = Text.class) String emrUserEhrId,
            @JsonDeserialize(using = Text.class) String accessTokenReferenceId,
            @JsonDeserialize(using = Text.class) String expiresAt) {
    }

    /** A request's text field: a string or an integral number, trimmed, empty as absent. */
    static final class Text extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING && p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                String field = p.currentName();
                p.skipChildren();
                throw TenancyAdmin.invalid(field + " must be a string");
            }
            String text = p.getText().trim();
            return text.isEmpty() ? null : text;
        }
    }

    /** The ApiException a {@link Text} field threw, from inside the mapping exception Jackson wraps it in. */
    static ApiException apiException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
        }
        return null;
    }

    // ---- responses ----

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"client_id", "name", "status", "created_at"})
    record ClientView(String clientId, String name, String status, String createdAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"id", "name", "emr_type", "base_url", "status", "auth_type", "tls", "telephone_encounters_supported",
            "last_synced_at", "settings"})
    record ConnectionView(String id, String name, String emrType, String baseUrl, String status, String authType,
            @JsonInclude(JsonInclude.Include.NON_NULL) TlsView tls, boolean telephoneEncountersSupported, String lastSyncedAt, JsonNode settings) {
    }

    /** What the API shows of a connection's TLS settings: that a client certificate is set, its subject and expiry; never a key. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"client_certificate_set", "client_certificate_subject", "client_certificate_expires_at", "ca_certificates"})
    record TlsView(boolean clientCertificateSet, String clientCertificateSubject, String clientCertificateExpiresAt,
            int caCertificates) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"id", "connection_id", "emr_user_ehr_id", "access_token_reference_id", "status", "expires_at",
            "created_at"})
    record TokenView(String id, String connectionId, String emrUserEhrId, String accessTokenReferenceId, String status,
            String expiresAt, String createdAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"success", "client", "client_secret"})
    record ClientCreated(boolean success, ClientView client, String clientSecret) {
        @Override
        public String toString() { // never the secret
            return "ClientCreated[" + client + "]";
        }
    }

    @JsonPropertyOrder({"success", "clients"})
    record Clients(boolean success, List<ClientView> clients) {
    }

    @JsonPropertyOrder({"success", "client"})
    record ClientAnswer(boolean success, ClientView client) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"success", "client_id", "client_secret"})
    record ClientSecret(boolean success, String clientId, String clientSecret) {
        @Override
        public String toString() { // never the secret
            return "ClientSecret[clientId=" + clientId + "]";
        }
    }

    @JsonPropertyOrder({"success", "connection"})
    record ConnectionAnswer(boolean success, ConnectionView connection) {
    }

    @JsonPropertyOrder({"success", "connections"})
    record Connections(boolean success, List<ConnectionView> connections) {
    }

    @JsonPropertyOrder({"success", "message", "connection"})
    record Synced(boolean success, String message, ConnectionView connection) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"success", "access_token_info", "access_token"})
    record TokenIssued(boolean success, TokenView accessTokenInfo, String accessToken) {
        @Override
        public String toString() { // never the token
            return "TokenIssued[" + accessTokenInfo + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"success", "access_tokens"})
    record Tokens(boolean success, List<TokenView> accessTokens) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"success", "access_token_info"})
    record TokenAnswer(boolean success, TokenView accessTokenInfo) {
    }
}
