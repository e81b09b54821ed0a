package org.telenc.engine.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.emr.EmrAdapters;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.routes.MessageHeaders;
import org.telenc.engine.tenancy.SecretBox;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * Operators' side of tenancy: clients, EMR connections and access tokens, for the admin API and
 * for the provisioning file. Secrets come back exactly once, when made; stored, they are hashed
 * (client secrets, access tokens) or sealed (EMR credentials), and no answer or log line shows them.
 */
@Component("tenancyAdmin")
public class TenancyAdmin {

    private static final Logger log = LoggerFactory.getLogger(TenancyAdmin.class);
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{3,128}");
    private static final Set<String> CLIENT_STATUSES = Set.of("active", "disabled");
    private static final Set<String> CONNECTION_STATUSES = Set.of("active", "disabled", "expired");
    private final SecureRandom random = new SecureRandom();

    private final TenancyRepository tenancy;
    private final SecretBox secrets;
    private final EmrAdapters adapters;
    private final ObjectMapper json;

    public TenancyAdmin(TenancyRepository tenancy, SecretBox secrets, EmrAdapters adapters, ObjectMapper json) {
        this.tenancy = tenancy;
        this.secrets = secrets;
        this.adapters = adapters;
        this.json = json;
    }

    // --- clients ---

    @Transactional
    public String createClient(@Body String body) {
        JsonNode request = object(body);
        String clientId = required(request, "client_id");
        if (!CLIENT_ID.matcher(clientId).matches()) {
            throw invalid("client_id must be 3 to 128 characters: letters, digits, '.', '_' or '-'");
        }
        if (tenancy.findClient(clientId).isPresent()) {
            throw new ApiException(409, "client_exists", "A client with this client_id exists.");
        }
        String secret = newSecret();
        tenancy.insertClient(Secrets.newId(), clientId, Secrets.sha256Hex(secret), text(request, "name").orElse(clientId));
        log.info("admin: client {} created", clientId);
        ObjectNode answer = ok();
        answer.set("client", clientJson(clientId));
        answer.put("client_secret", secret);
        return answer.toString();
    }

    public String listClients() {
        ObjectNode answer = ok();
        ArrayNode list = answer.putArray("clients");
        tenancy.clients().forEach(c -> list.addObject().put("client_id", c.clientId()).put("name", c.name())
                .put("status", c.status()).put("created_at", String.valueOf(c.createdAt())));
        return answer.toString();
    }

    @Transactional
    public String updateClient(@Header(MessageHeaders.ADMIN_CLIENT_ID) String clientId, @Body String body) {
        TenancyRepository.ClientRow client = client(clientId);
        JsonNode request = object(body);
        String status = text(request, "status").orElse(client.status());
        if (!CLIENT_STATUSES.contains(status)) {
            throw invalid("status must be active or disabled");
        }
        String name = text(request, "name").orElseGet(() -> tenancy.clients().stream()
                .filter(c -> c.clientId().equals(clientId)).findFirst().map(TenancyRepository.ClientSummary::name).orElse(clientId));
        tenancy.updateClient(client.id(), name, status);
        log.info("admin: client {} updated (status {})", clientId, status);
        return ok().set("client", clientJson(clientId)).toString();
    }

    @Transactional
    public String rotateClientSecret(@Header(MessageHeaders.ADMIN_CLIENT_ID) String clientId) {
        TenancyRepository.ClientRow client = client(clientId);
        String secret = newSecret();
        tenancy.updateClientSecret(client.id(), Secrets.sha256Hex(secret));
        log.info("admin: client {} secret rotated", clientId);
        return ok().put("client_id", clientId).put("client_secret", secret).toString();
    }

    // --- EMR connections ---

    @Transactional
    public String createConnection(@Body String body) {
        JsonNode request = object(body);
        String name = required(request, "name");
        if (tenancy.connectionAdmin(name).isPresent()) {
            throw new ApiException(409, "connection_exists", "An EMR connection with this name exists.");
        }
        String id = Secrets.newId();
        TenancyRepository.ConnectionAdminRow row = new TenancyRepository.ConnectionAdminRow(id, name,
                emrType(required(request, "emr_type")), baseUrl(required(request, "base_url")), settings(request.get("settings")),
                sealedAuth(request.get("auth"), id), "active", null);
        tenancy.insertConnection(row);
        log.info("admin: EMR connection {} created (type {})", row.id(), row.emrType());
        return ok().set("connection", connectionJson(row)).toString();
    }

    @Transactional
    public String updateConnection(@Header(MessageHeaders.CONNECTION_ID) String idOrName, @Body String body) {
        TenancyRepository.ConnectionAdminRow current = connection(idOrName);
        JsonNode request = object(body);
        String status = text(request, "status").orElse(current.status());
        if (!CONNECTION_STATUSES.contains(status)) {
            throw invalid("status must be active, disabled or expired");
        }
        TenancyRepository.ConnectionAdminRow row = new TenancyRepository.ConnectionAdminRow(current.id(),
                text(request, "name").orElse(current.name()),
                text(request, "emr_type").map(this::emrType).orElse(current.emrType()),
                text(request, "base_url").map(this::baseUrl).orElse(current.baseUrl()),
                request.has("settings") ? settings(request.get("settings")) : current.settings(),
                request.has("auth") ? sealedAuth(request.get("auth"), current.id()) : current.sealedCredentials(), status,
                current.lastSyncedAt());
        tenancy.updateConnection(row);
        log.info("admin: EMR connection {} updated (status {})", row.id(), status);
        return ok().set("connection", connectionJson(row)).toString();
    }

    public String listConnections() {
        ObjectNode answer = ok();
        ArrayNode list = answer.putArray("connections");
        tenancy.connections().forEach(row -> list.add(connectionJson(row)));
        return answer.toString();
    }

    /** The connection id for a sync request (404 if unknown). */
    public String connectionIdForSync(@Header(MessageHeaders.CONNECTION_ID) String idOrName) {
        return connection(idOrName).id();
    }

    public String synced(@Header(MessageHeaders.CONNECTION_ID) String idOrName) {
        TenancyRepository.ConnectionAdminRow row = connection(idOrName);
        return ok().put("message", "Reference sync finished.").set("connection", connectionJson(row)).toString();
    }

    // --- access tokens ---

    @Transactional
    public String issueToken(@Header(MessageHeaders.ADMIN_CLIENT_ID) String clientId, @Body String body) {
        TenancyRepository.ClientRow client = client(clientId);
        JsonNode request = object(body);
        TenancyRepository.ConnectionAdminRow connection = connection(required(request, "connection"));
        String user = required(request, "emr_user_ehr_id");
        String reference = required(request, "access_token_reference_id");
        Instant expires = text(request, "expires_at").map(this::instant).orElse(null);
        String token = newSecret();
        String id = Secrets.newId();
        tenancy.insertToken(id, Secrets.sha256Hex(token), client.id(), connection.id(), user, reference, expires);
        log.info("admin: access token {} issued to client {} on connection {}", id, clientId, connection.id());
        ObjectNode answer = ok();
        answer.set("access_token_info", tokenJson(tenancy.token(id).orElseThrow()));
        answer.put("access_token", token);
        return answer.toString();
    }

    public String listTokens(@Header(MessageHeaders.ADMIN_CLIENT_ID) String clientId) {
        TenancyRepository.ClientRow client = client(clientId);
        ObjectNode answer = ok();
        ArrayNode list = answer.putArray("access_tokens");
        tenancy.tokens(client.id()).forEach(t -> list.add(tokenJson(t)));
        return answer.toString();
    }

    @Transactional
    public String revokeToken(@Header(MessageHeaders.ADMIN_CLIENT_ID) String clientId, @Header(MessageHeaders.TOKEN_ID) String tokenId) {
        TenancyRepository.ClientRow client = client(clientId);
        TenancyRepository.TokenSummary token = tenancy.token(tokenId == null ? "" : tokenId)
                .filter(t -> t.clientPk().equals(client.id()))
                .orElseThrow(() -> new ApiException(404, "access_token_not_found", "Access token not found."));
        tenancy.setTokenStatus(token.id(), "revoked");
        log.info("admin: access token {} of client {} revoked", token.id(), clientId);
        return ok().set("access_token_info", tokenJson(tenancy.token(token.id()).orElseThrow())).toString();
    }

    // --- shared with the provisioning file ---

    /** The sealed credentials for an auth object (validated), bound to their connection, or null for none. */
    String sealedAuth(JsonNode auth, String connectionId) {
        if (auth == null || auth.isNull()) {
            return null;
        }
        try {
            EmrAuthSettings parsed = EmrAuthSettings.parse(auth.toString());
            return parsed.type() == EmrAuthSettings.Type.NONE ? null
                    : secrets.seal(auth.toString(), SecretBox.emrCredentials(connectionId));
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage()); // names the field, never a value
        }
    }

    String settings(JsonNode settings) {
        if (settings == null || settings.isNull()) {
            return null;
        }
        if (!settings.isObject()) {
            throw invalid("settings must be an object");
        }
        return settings.toString();
    }

    String emrType(String type) {
        if (!type.matches("[a-z0-9-]{1,40}")) {
            throw invalid("emr_type must be lowercase letters, digits or '-'");
        }
        return type;
    }

    String baseUrl(String url) {
        if (url.equals(EmrConnections.EMBEDDED_SANDBOX)) {
            return url;
        }
        try {
            URI uri = URI.create(url);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw invalid("base_url must be an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw invalid("base_url must be an http(s) URL");
        }
        return url.replaceAll("/+$", "");
    }

    private Instant instant(String value) {
        try {
            return Instant.parse(value);
        } catch (RuntimeException e) {
            throw invalid("expires_at must be an ISO 8601 instant, e.g. 2027-01-01T00:00:00Z");
        }
    }

    private TenancyRepository.ClientRow client(String clientId) {
        return tenancy.findClient(clientId == null ? "" : clientId)
                .orElseThrow(() -> new ApiException(404, "client_not_found", "Client not found."));
    }

    private TenancyRepository.ConnectionAdminRow connection(String idOrName) {
        return tenancy.connectionAdmin(idOrName == null ? "" : idOrName)
                .orElseThrow(() -> new ApiException(404, "connection_not_found", "EMR connection not found."));
    }

    private ObjectNode clientJson(String clientId) {
        TenancyRepository.ClientSummary c = tenancy.clients().stream().filter(x -> x.clientId().equals(clientId)).findFirst()
                .orElseThrow();
        return json.createObjectNode().put("client_id", c.clientId()).put("name", c.name()).put("status", c.status())
                .put("created_at", String.valueOf(c.createdAt()));
    }

    private ObjectNode connectionJson(TenancyRepository.ConnectionAdminRow row) {
        ObjectNode node = json.createObjectNode().put("id", row.id()).put("name", row.name()).put("emr_type", row.emrType())
                .put("base_url", row.baseUrl()).put("status", row.status())
                .put("auth_type", row.sealedCredentials() == null ? "none"
                        : EmrAuthSettings.parse(secrets.open(row.sealedCredentials(), SecretBox.emrCredentials(row.id())))
                                .type().json())
                .put("telephone_encounters_supported", adapters.supportsTelephoneEncounters(row.emrType()));
        node.put("last_synced_at", row.lastSyncedAt() == null ? null : row.lastSyncedAt().toString());
        node.set("settings", row.settings() == null ? json.createObjectNode() : readTree(row.settings()));
        return node;
    }

    private ObjectNode tokenJson(TenancyRepository.TokenSummary t) {
        return json.createObjectNode().put("id", t.id()).put("connection_id", t.connectionId())
                .put("emr_user_ehr_id", t.emrUserEhrId()).put("access_token_reference_id", t.referenceId())
                .put("status", t.status()).put("expires_at", t.expiresAt() == null ? null : t.expiresAt().toString())
                .put("created_at", String.valueOf(t.createdAt()));
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }

    private JsonNode object(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : json.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiException.invalidJson();
            }
            return node;
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            throw ApiException.invalidJson();
        }
    }

    private static String required(JsonNode request, String field) {
        return text(request, field).orElseThrow(() -> new ApiException(400, "missing_required_field",
                "Missing required field: " + field));
    }

    private static Optional<String> text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() && !value.isIntegralNumber()) {
            throw invalid(field + " must be a string");
        }
        String text = value.asText().trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private ObjectNode ok() {
        return json.createObjectNode().put("success", true);
    }

    private static ApiException invalid(String message) {
        return new ApiException(400, "invalid_request", "Invalid request: " + message + ".");
    }

    private String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
