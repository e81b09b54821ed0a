package org.telenc.engine.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.emr.auth.EmrTlsSettings;
import org.telenc.engine.tenancy.TenancyRepository;
import org.telenc.engine.webhook.WebhookRepository;
import org.telenc.engine.webhook.signing.SignatureScheme;
import org.telenc.engine.webhook.signing.WebhookSignatures;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The declarative provisioning file ({@code engine.provisioning.file}), applied at every start so
 * that the tenancy lives in Git: connections by name, clients by client_id, access tokens by
 * (client, access_token_reference_id), webhook URLs by (client, url). Applying it twice changes
 * nothing. Secrets never sit in the file: a field {@code x_env} names the environment variable
 * (or system property) that holds {@code x}; client secrets and tokens may instead be given as
 * their hex SHA-256 ({@code client_secret_sha256}, {@code token_sha256}). Client secrets, tokens and
 * webhook secrets given through the environment must be at least 32 characters; the
 * EMR's own credentials under {@code auth} are what the EMR issued and are taken as they are. Rows the file does not
 * name are left alone. An unreadable or invalid file stops the start-up, naming what is wrong.
 */
@Component
public class Provisioning {

    private static final Logger log = LoggerFactory.getLogger(Provisioning.class);

    private final TenancyAdmin admin;
    private final TenancyRepository tenancy;
    private final WebhookRepository webhooks;
    private final Environment environment;
    private final ObjectMapper json;
    private final String file;
    private final TransactionTemplate transaction;

    public Provisioning(TenancyAdmin admin, TenancyRepository tenancy, WebhookRepository webhooks, Environment environment,
            ObjectMapper json, PlatformTransactionManager transactions, @Value("${engine.provisioning.file:}") String file) {
        this.transaction = new TransactionTemplate(transactions);
        this.admin = admin;
        this.tenancy = tenancy;
        this.webhooks = webhooks;
        this.environment = environment;
        this.json = json;
        this.file = file;
    }

    @EventListener(ApplicationStartedEvent.class)
    public void applyAtStart() throws IOException {
        if (file == null || file.isBlank()) {
            return;
        }
        try (Reader reader = Files.newBufferedReader(Path.of(file))) {
            Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            JsonNode document = json.valueToTree(yaml == null ? Map.of() : yaml);
            transaction.executeWithoutResult(status -> apply(document)); // all of the file, or none of it
        }
    }

    void apply(JsonNode document) {
        int connections = 0;
        int clients = 0;
        int tokens = 0;
        int urls = 0;
        for (JsonNode connection : document.path("connections")) {
            applyConnection(connection);
            connections++;
        }
        for (JsonNode client : document.path("clients")) {
            String clientPk = applyClient(client);
            clients++;
            for (JsonNode token : client.path("access_tokens")) {
                applyToken(clientPk, token);
                tokens++;
            }
            for (JsonNode webhook : client.path("webhooks")) {
                applyWebhook(clientPk, webhook);
                urls++;
            }
        }
        log.info("provisioning file applied: {} connection(s), {} client(s), {} access token(s), {} webhook URL(s)",
                connections, clients, tokens, urls);
    }

    private void applyConnection(JsonNode node) {
        String name = required(node, "name", "connection");
        String where = "connection " + name;
        String emrType = admin.emrType(required(node, "emr_type", where));
        String baseUrl = admin.baseUrl(required(node, "base_url", where));
        String settings = admin.settings(node.get("settings"));
        String status = node.path("status").asText("active");
        var existing = tenancy.connectionAdmin(name);
        String id = existing.map(TenancyRepository.ConnectionAdminRow::id).orElseGet(Secrets::newId);
        JsonNode tls = resolved(node.get("tls"), where + " tls");
        String sealed = admin.sealedCredentials(resolved(node.get("auth"), where + " auth"), tls, false, id);
        // an expired client certificate warns, never stops a start (the other clinics go on)
        EmrTlsSettings certificate = tls == null || !tls.isObject() ? EmrTlsSettings.none() : EmrTlsSettings.parse(tls, null);
        if (certificate.hasClientCertificate() && certificate.clientCertificateNotAfter().isBefore(java.time.Instant.now())) {
            log.warn("provisioning file: {}: the tls client certificate expired at {}; the EMR will refuse it", where,
                    certificate.clientCertificateNotAfter());
        }
        if (existing.isPresent()) {
            tenancy.updateConnection(new TenancyRepository.ConnectionAdminRow(id, name, emrType, baseUrl,
                    settings, sealed, status, existing.get().lastSyncedAt()));
        } else {
            tenancy.insertConnection(new TenancyRepository.ConnectionAdminRow(id, name, emrType, baseUrl,
                    settings, sealed, status, null));
        }
    }

    private String applyClient(JsonNode node) {
        String clientId = required(node, "client_id", "client");
        String where = "client " + clientId;
        String hash = hashOf(node, "client_secret", where);
        String name = node.path("name").asText(clientId);
        String status = node.path("status").asText("active");
        var existing = tenancy.findClient(clientId);
        String id = existing.map(TenancyRepository.ClientRow::id).orElseGet(Secrets::newId);
        if (existing.isEmpty()) {
            tenancy.insertClient(id, clientId, hash, name);
        } else {
            tenancy.updateClientSecret(id, hash);
        }
        tenancy.updateClient(id, name, status);
        return id;
    }

    private void applyToken(String clientPk, JsonNode node) {
        String reference = required(node, "access_token_reference_id", "access token");
        String where = "access token " + reference;
        String connectionId = tenancy.connectionAdmin(required(node, "connection", where))
                .orElseThrow(() -> new IllegalStateException(where + ": no connection named " + node.path("connection").asText()))
                .id();
        String user = required(node, "emr_user_ehr_id", where);
        String hash = hashOf(node, "token", where);
        Instant expires = node.hasNonNull("expires_at") ? Instant.parse(node.get("expires_at").asText()) : null;
        var existing = tenancy.tokenByReference(clientPk, reference);
        if (existing.isPresent()) {
            tenancy.updateToken(existing.get().id(), hash, connectionId, user, expires);
        } else {
            tenancy.insertToken(Secrets.newId(), hash, clientPk, connectionId, user, reference, expires);
        }
    }

    private void applyWebhook(String clientPk, JsonNode node) {
        String url = required(node, "url", "webhook");
        SignatureScheme scheme = SignatureScheme.fromWireName(node.path("signature_scheme").asText("cobalt"))
                .orElseThrow(() -> new IllegalStateException("webhook " + url + ": signature_scheme must be cobalt or standard"));
        String secret = strongEnv(node, "secret", "webhook " + url);
        var existing = webhooks.endpoints(clientPk).stream().filter(e -> e.url().equals(url)).findFirst();
        if (existing.isEmpty()) {
            webhooks.insertEndpoint(new WebhookRepository.Endpoint(Secrets.newId(), clientPk, url, scheme.wireName(), "enabled"),
                    secret != null ? secret : scheme == SignatureScheme.STANDARD ? WebhookSignatures.newStandardSecret()
                            : WebhookSignatures.newCobaltSecret());
        }
    }

    /** An object whose {@code x_env} fields are replaced by {@code x} read from the environment. */
    private JsonNode resolved(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            return node;
        }
        ObjectNode copy = json.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().endsWith("_env")) {
                String name = field.getKey().substring(0, field.getKey().length() - 4);
                copy.put(name, env(field.getValue().asText(), where));
            } else {
                copy.set(field.getKey(), field.getValue());
            }
        }
        return copy;
    }

    private String hashOf(JsonNode node, String field, String where) {
        if (node.hasNonNull(field + "_sha256")) {
            String hash = node.get(field + "_sha256").asText().trim().toLowerCase();
            if (!hash.matches("[0-9a-f]{64}")) {
                throw new IllegalStateException(where + ": " + field + "_sha256 must be 64 hex characters");
            }
            return hash;
        }
        String value = strongEnv(node, field, where);
        if (value == null) {
            throw new IllegalStateException(where + ": give " + field + "_sha256 or " + field + "_env");
        }
        return Secrets.sha256Hex(value);
    }

    /**
     * A secret of ours from the environment ({@code x_env}), at least {@value Secrets#MIN_SECRET_LENGTH}
     * characters: a short one stops the provisioning, naming the entry and the variable, never the value.
     */
    private String strongEnv(JsonNode node, String field, String where) {
        String value = optionalEnv(node, field, where);
        if (value != null && !Secrets.longEnough(value)) {
            throw new IllegalStateException(where + ": " + field + "_env (environment variable "
                    + node.get(field + "_env").asText() + ") must hold at least " + Secrets.MIN_SECRET_LENGTH
                    + " characters; use a random value" + (field.equals("secret") ? "" : " or give " + field + "_sha256"));
        }
        return value;
    }

    private String optionalEnv(JsonNode node, String field, String where) {
        return node.hasNonNull(field + "_env") ? env(node.get(field + "_env").asText(), where) : null;
    }

    private String env(String variable, String where) {
        String value = environment.getProperty(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(where + ": environment variable " + variable + " is not set");
        }
        return value;
    }

    private static String required(JsonNode node, String field, String where) {
        String value = node.path(field).asText("").trim();
        if (value.isEmpty()) {
            throw new IllegalStateException("provisioning file: " + where + " needs " + field);
        }
        return value;
    }
}
