package org.telenc.engine.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.admin.AdminBodies.ClientAnswer;
import org.telenc.engine.admin.AdminBodies.ClientCreated;
import org.telenc.engine.admin.AdminBodies.ClientSecret;
import org.telenc.engine.admin.AdminBodies.ClientView;
import org.telenc.engine.admin.AdminBodies.Clients;
import org.telenc.engine.admin.AdminBodies.ConnectionAnswer;
import org.telenc.engine.admin.AdminBodies.ConnectionView;
import org.telenc.engine.admin.AdminBodies.Connections;
import org.telenc.engine.admin.AdminBodies.CreateClient;
import org.telenc.engine.admin.AdminBodies.CreateConnection;
import org.telenc.engine.admin.AdminBodies.IssueToken;
import org.telenc.engine.admin.AdminBodies.Synced;
import org.telenc.engine.admin.AdminBodies.TokenAnswer;
import org.telenc.engine.admin.AdminBodies.TokenIssued;
import org.telenc.engine.admin.AdminBodies.TlsView;
import org.telenc.engine.admin.AdminBodies.TokenView;
import org.telenc.engine.admin.AdminBodies.Tokens;
import org.telenc.engine.admin.AdminBodies.UpdateClient;
import org.telenc.engine.admin.AdminBodies.UpdateConnection;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.emr.EmrAdapters;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.extension.Extensions;
import org.telenc.engine.extension.FailureCodes;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.emr.auth.EmrTlsSettings;
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
    private final Extensions extensions;
    private final Clock clock;

    public TenancyAdmin(TenancyRepository tenancy, SecretBox secrets, EmrAdapters adapters, ObjectMapper json,
            Extensions extensions, Clock clock) {
        this.extensions = extensions;
        this.clock = clock;
        this.tenancy = tenancy;
        this.secrets = secrets;
        this.adapters = adapters;
        this.json = json;
    }

    // --- clients ---

    @Transactional
    public String createClient(@Body String body) {
        CreateClient request = bind(body, CreateClient.class);
        String clientId = required(request.clientId(), "client_id");
        if (!CLIENT_ID.matcher(clientId).matches()) {
            throw invalid("client_id must be 3 to 128 characters: letters, digits, '.', '_' or '-'");
        }
        if (tenancy.findClient(clientId).isPresent()) {
            throw new ApiException(409, "client_exists", "A client with this client_id exists.");
        }
        String secret = newSecret();
        tenancy.insertClient(Secrets.newId(), clientId, Secrets.sha256Hex(secret), Optional.ofNullable(request.name()).orElse(clientId));
        log.info("admin: client {} created", clientId);
        return write(new ClientCreated(true, clientView(clientId), secret));
    }

    public String listClients() {
        return write(new Clients(true, tenancy.clients().stream().map(TenancyAdmin::clientView).toList()));
    }

    @Transactional
    public String updateClient(@Header(MessageHeaders.ADMIN_CLIENT_ID) String clientId, @Body String body) {
        TenancyRepository.ClientRow client = client(clientId);
        UpdateClient request = bind(body, UpdateClient.class);
        String status = Optional.ofNullable(request.status()).orElse(client.status());
        if (!CLIENT_STATUSES.contains(status)) {
            throw invalid("status must be active or disabled");
        }
        String name = Optional.ofNullable(request.name()).orElseGet(() -> tenancy.clients().stream()
                .filter(c -> c.clientId().equals(clientId)).findFirst().map(TenancyRepository.ClientSummary::name).orElse(clientId));
        tenancy.updateClient(client.id(), name, status);
        log.info("admin: client {} updated (status {})", clientId, status);
        return write(new ClientAnswer(true, clientView(clientId)));
    }

    @Transactional
    public String rotateClientSecret(@Header(MessageHeaders.ADMIN_CLIENT_ID) String clientId) {
        TenancyRepository.ClientRow client = client(clientId);
        String secret = newSecret();
        tenancy.updateClientSecret(client.id(), Secrets.sha256Hex(secret));
        log.info("admin: client {} secret rotated", clientId);
        return write(new ClientSecret(true, clientId, secret));
    }

    // --- EMR connections ---

    @Transactional
    public String createConnection(@Body String body) {
        CreateConnection request = bind(body, CreateConnection.class);
        String name = required(request.name(), "name");
        if (tenancy.connectionAdmin(name).isPresent()) {
            throw new ApiException(409, "connection_exists", "An EMR connection with this name exists.");
        }
        extensionRoutesLoaded(request.settings());
        String id = Secrets.newId();
        TenancyRepository.ConnectionAdminRow row = new TenancyRepository.ConnectionAdminRow(id, name,
                emrType(required(request.emrType(), "emr_type")), baseUrl(required(request.baseUrl(), "base_url")),
                settings(request.settings()), sealedCredentials(request.auth(), request.tls(), true, id), "active", null);
        tenancy.insertConnection(row);
        log.info("admin: EMR connection {} created (type {})", row.id(), row.emrType());
        return write(new ConnectionAnswer(true, connectionView(row)));
    }

    @Transactional
    public String updateConnection(@Header(MessageHeaders.CONNECTION_ID) String idOrName, @Body String body) {
        TenancyRepository.ConnectionAdminRow current = connection(idOrName);
        UpdateConnection request = bind(body, UpdateConnection.class);
        String settings = request.settings() != null ? patchedSettings(current.settings(), request.settings()) : current.settings();
        if (request.settings() != null) {
            extensionRoutesLoaded(settings == null ? null : readTree(settings)); // what the connection will name, after the merge
        }
        String status = Optional.ofNullable(request.status()).orElse(current.status());
        if (!CONNECTION_STATUSES.contains(status)) {
            throw invalid("status must be active, disabled or expired");
        }
        TenancyRepository.ConnectionAdminRow row = new TenancyRepository.ConnectionAdminRow(current.id(),
                Optional.ofNullable(request.name()).orElse(current.name()),
                Optional.ofNullable(request.emrType()).map(this::emrType).orElse(current.emrType()),
                Optional.ofNullable(request.baseUrl()).map(this::baseUrl).orElse(current.baseUrl()),
                settings,
                updatedCredentials(current, request.auth(), request.tls()), status, current.lastSyncedAt());
        tenancy.updateConnection(row);
        log.info("admin: EMR connection {} updated (status {})", row.id(), status);
        return write(new ConnectionAnswer(true, connectionView(row)));
    }

    public String listConnections() {
        return write(new Connections(true, tenancy.connections().stream().map(this::connectionView).toList()));
    }

    /** The connection id for a sync request (404 if unknown). */
    public String connectionIdForSync(@Header(MessageHeaders.CONNECTION_ID) String idOrName) {
        return connection(idOrName).id();
    }

    public String synced(@Header(MessageHeaders.CONNECTION_ID) String idOrName) {
        TenancyRepository.ConnectionAdminRow row = connection(idOrName);
        return write(new Synced(true, "Reference sync finished.", connectionView(row)));
    }

    // --- access tokens ---

    @Transactional
    public String issueToken(@Header(MessageHeaders.ADMIN_CLIENT_ID) String clientId, @Body String body) {
        TenancyRepository.ClientRow client = client(clientId);
        IssueToken request = bind(body, IssueToken.class);
        TenancyRepository.ConnectionAdminRow connection = connection(required(request.connection(), "connection"));
        String user = required(request.emrUserEhrId(), "emr_user_ehr_id");
        String reference = required(request.accessTokenReferenceId(), "access_token_reference_id");
        Instant expires = Optional.ofNullable(request.expiresAt()).map(this::instant).orElse(null);
        String token = newSecret();
        String id = Secrets.newId();
        tenancy.insertToken(id, Secrets.sha256Hex(token), client.id(), connection.id(), user, reference, expires);
        log.info("admin: access token {} issued to client {} on connection {}", id, clientId, connection.id());
        return write(new TokenIssued(true, tokenView(tenancy.token(id).orElseThrow()), token));
    }

    public String listTokens(@Header(MessageHeaders.ADMIN_CLIENT_ID) String clientId) {
        TenancyRepository.ClientRow client = client(clientId);
        return write(new Tokens(true, tenancy.tokens(client.id()).stream().map(TenancyAdmin::tokenView).toList()));
    }

    @Transactional
    public String revokeToken(@Header(MessageHeaders.ADMIN_CLIENT_ID) String clientId, @Header(MessageHeaders.TOKEN_ID) String tokenId) {
        TenancyRepository.ClientRow client = client(clientId);
        TenancyRepository.TokenSummary token = tenancy.token(tokenId == null ? "" : tokenId)
                .filter(t -> t.clientPk().equals(client.id()))
                .orElseThrow(() -> new ApiException(404, "access_token_not_found", "Access token not found."));
        tenancy.setTokenStatus(token.id(), "revoked");
        log.info("admin: access token {} of client {} revoked", token.id(), clientId);
        return write(new TokenAnswer(true, tokenView(tenancy.token(token.id()).orElseThrow())));
    }

    // --- shared with the provisioning file ---

    /** The sealed credentials for an auth object (validated), bound to their connection, or null for none. */
    String sealedAuth(JsonNode auth, String connectionId) {
        return sealedCredentials(auth, null, true, connectionId);
    }

    /**
     * The sealed credentials for an auth object and a {@code tls} object (both validated; the client
     * certificate's validity dates only when {@code checkValidity}, as for settings an operator just
     * sent through the API: a provisioning file applied at a start, or TLS settings an update carries
     * over, must not stop because a certificate expired since), bound to their connection, or null
     * for neither. They are stored together: the auth object with the TLS settings as its {@code tls}
     * member. An invalid auth object is 400 invalid_request, invalid TLS settings 422
     * invalid_tls_settings naming the field; neither quotes a value.
     */
    String sealedCredentials(JsonNode auth, JsonNode tls, boolean checkValidity, String connectionId) {
        JsonNode authPart = auth == null || auth.isNull() ? null : auth;
        if (authPart != null) {
            try {
                EmrAuthSettings.parse(authPart.toString());
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage()); // names the field, never a value
            }
        }
        JsonNode tlsPart = tls == null || tls.isNull() ? null : tls;
        if (tlsPart != null) {
            try {
                if (EmrTlsSettings.parse(tlsPart, checkValidity ? clock.instant() : null).isNone()) {
                    tlsPart = null;
                }
            } catch (IllegalArgumentException e) {
                String field = EmrTlsSettings.fieldOf(e);
                String path = field.equals(EmrTlsSettings.MEMBER) ? field : EmrTlsSettings.MEMBER + "." + field;
                throw new ApiException(422, "invalid_tls_settings", "Invalid TLS settings: " + e.getMessage().replace(
                        "EMR TLS settings: ", "") + ".", List.of(new ApiException.FieldError(path, "invalid", e.getMessage())), null);
            }
        }
        String stored = EmrTlsSettings.stored(authPart, tlsPart);
        return stored == null ? null : secrets.seal(stored, SecretBox.emrCredentials(connectionId));
    }

    /**
     * An update's credentials: {@code auth} and {@code tls} each replace their part when present
     * ({@code null} clears it) and leave it as it is when absent.
     */
    private String updatedCredentials(TenancyRepository.ConnectionAdminRow current, JsonNode auth, JsonNode tls) {
        if (auth == null && tls == null) {
            return current.sealedCredentials();
        }
        String stored = current.sealedCredentials() == null ? null
                : secrets.open(current.sealedCredentials(), SecretBox.emrCredentials(current.id()));
        JsonNode currentAuth = Optional.ofNullable(EmrTlsSettings.authOfStored(stored)).map(this::readTree).orElse(null);
        JsonNode currentTls = EmrTlsSettings.tlsOfStored(stored);
        // TLS settings carried over were checked when they were sent: only new ones have their dates checked
        return sealedCredentials(auth != null ? auth : currentAuth, tls != null ? tls : currentTls, tls != null, current.id());
    }

    /**
     * 422 {@code extension_route_not_loaded} naming every route of the settings' {@code extensions}
     * that no loaded route consumes: a job would fail there later, one by one.
     */
    void extensionRoutesLoaded(JsonNode settings) {
        extensionFailureCodesAllowed(settings);
        if (settings == null || !settings.path(Extensions.SETTINGS_KEY).isObject()) {
            return;
        }
        List<String> missing = extensions.routesNotLoaded(json.convertValue(settings.get(Extensions.SETTINGS_KEY), Map.class));
        if (!missing.isEmpty()) {
            throw new ApiException(422, "extension_route_not_loaded", "No loaded route consumes the extension route"
                    + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + ". Load the team route file that defines it, or correct the name.");
        }
    }

    /**
     * 422 {@code extension_failure_code_not_allowed} naming every entry of the settings'
     * {@code extension_failure_codes} that is not a failure code a hook may end a job with: the
     * webhook would carry a code the API does not document.
     */
    void extensionFailureCodesAllowed(JsonNode settings) {
        if (settings == null || !settings.has(FailureCodes.SETTINGS_KEY) || settings.get(FailureCodes.SETTINGS_KEY).isNull()) {
            return;
        }
        List<String> refused = FailureCodes.refused(json.convertValue(settings.get(FailureCodes.SETTINGS_KEY), Object.class));
        if (!refused.isEmpty()) {
            throw new ApiException(422, "extension_failure_code_not_allowed", "A hook may end a job failed only with "
                    + String.join(", ", new TreeSet<>(FailureCodes.ALLOWED)) + "; not with "
                    + String.join(", ", refused) + ". Correct " + FailureCodes.SETTINGS_KEY + ".");
        }
    }

    /**
     * The connection's settings with an update's {@code settings} merged in as a JSON Merge Patch
     * (RFC 7396): members the update does not name stay, a {@code null} member is removed, a nested
     * object merges; {@code "settings": null} clears them all.
     */
    String patchedSettings(String current, JsonNode patch) {
        if (!patch.isNull() && !patch.isObject()) {
            throw invalid("settings must be an object");
        }
        return settings(JsonMergePatch.apply(current == null ? null : readTree(current), patch));
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

    private ClientView clientView(String clientId) {
        return clientView(tenancy.clients().stream().filter(x -> x.clientId().equals(clientId)).findFirst().orElseThrow());
    }

    private static ClientView clientView(TenancyRepository.ClientSummary c) {
        return new ClientView(c.clientId(), c.name(), c.status(), String.valueOf(c.createdAt()));
    }

    private ConnectionView connectionView(TenancyRepository.ConnectionAdminRow row) {
        String stored = row.sealedCredentials() == null ? null : secrets.open(row.sealedCredentials(), SecretBox.emrCredentials(row.id()));
        String authType = EmrAuthSettings.parse(EmrTlsSettings.authOfStored(stored)).type().json();
        EmrTlsSettings tls = EmrTlsSettings.ofStored(stored);
        TlsView tlsView = tls.isNone() ? null : new TlsView(tls.hasClientCertificate(), tls.clientCertificateSubject(),
                tls.hasClientCertificate() ? tls.clientCertificateNotAfter().toString() : null, tls.caCertificateCount());
        return new ConnectionView(row.id(), row.name(), row.emrType(), row.baseUrl(), row.status(), authType, tlsView,
                adapters.supportsTelephoneEncounters(row.emrType()),
                row.lastSyncedAt() == null ? null : row.lastSyncedAt().toString(),
                row.settings() == null ? json.createObjectNode() : readTree(row.settings()));
    }

    private static TokenView tokenView(TenancyRepository.TokenSummary t) {
        return new TokenView(t.id(), t.connectionId(), t.emrUserEhrId(), t.referenceId(), t.status(),
                t.expiresAt() == null ? null : t.expiresAt().toString(), String.valueOf(t.createdAt()));
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }

    /** The request body bound to {@code type}: not a JSON object is invalid_json; a field of the wrong kind, invalid_request. */
    private <T> T bind(String body, Class<T> type) {
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (Exception e) {
            throw ApiException.invalidJson();
        }
        if (node == null || !node.isObject()) {
            throw ApiException.invalidJson();
        }
        try {
            return json.treeToValue(node, type);
        } catch (Exception e) {
            ApiException api = AdminBodies.apiException(e);
            throw api != null ? api : ApiException.invalidJson();
        }
    }

    private static String required(String value, String field) {
        if (value == null) {
            throw new ApiException(400, "missing_required_field", "Missing required field: " + field);
        }
        return value;
    }

    private String write(Object answer) {
        try {
            return json.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("admin answer not written", e);
        }
    }

    static ApiException invalid(String message) {
        return new ApiException(400, "invalid_request", "Invalid request: " + message + ".");
    }

    private String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
