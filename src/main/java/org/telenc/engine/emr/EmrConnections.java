package org.telenc.engine.emr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.emr.auth.EmrTlsSettings;
import org.telenc.engine.storage.TableWrites;
import org.telenc.engine.tenancy.SecretBox;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * Resolves stored connections into what adapters use. The base URL {@code embedded:sandbox} means
 * the engine's own sandbox EMR, reached over real HTTP on the port the server listens on.
 * A connection is read from the database once and then kept (see {@link TableWrites}): until this
 * process writes {@code emr_connection} (the admin API, the provisioning file, a sync, a key
 * rotation), and at most {@code engine.connections.cache-ttl} for writes made by other replicas.
 */
@Component("emrConnections")
public class EmrConnections {

    private static final Logger LOG = LoggerFactory.getLogger(EmrConnections.class);
    public static final String EMBEDDED_SANDBOX = EngineProperties.EMBEDDED_SANDBOX;
    public static final String SANDBOX_PATH = "/sandbox/fhir/r4";

    private final TenancyRepository tenancy;
    private final ObjectMapper json;
    private final SecretBox secrets;
    private final TableWrites.Cache<String, Optional<Map<String, Object>>> settings;
    private final TableWrites.Cache<String, EmrConnection> resolved;
    private volatile int localPort = 8080;

    public EmrConnections(TenancyRepository tenancy, ObjectMapper json, SecretBox secrets, TableWrites writes) {
        this.tenancy = tenancy;
        this.json = json;
        this.secrets = secrets;
        this.settings = writes.cache(TenancyRepository.CONNECTION_TABLE);
        this.resolved = writes.cache(TenancyRepository.CONNECTION_TABLE);
    }

    @EventListener
    public void onWebServer(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() == null) {
            localPort = event.getWebServer().getPort();
            resolved.clear(); // the sandbox's base URL names the port
        }
    }

    public EmrConnection get(String connectionId) {
        return resolved.get(connectionId, id -> tenancy.findConnection(id).map(this::resolve)
                .orElseThrow(() -> new IllegalStateException("unknown EMR connection " + id)));
    }

    /** A connection's settings JSON as plain values (no credentials opened): empty for an unknown connection. */
    public Map<String, Object> settingsOf(String connectionId) {
        return settings.get(connectionId, id -> tenancy.findConnection(id).map(row -> Collections.unmodifiableMap(options(row.settings()))))
                .orElse(Map.of());
    }

    /** Active connections; one that cannot be resolved (say, credentials sealed under another key) is skipped, not fatal. */
    public List<EmrConnection> active() {
        List<EmrConnection> active = new ArrayList<>();
        for (TenancyRepository.ConnectionRow row : tenancy.activeConnections()) {
            try {
                active.add(resolve(row));
            } catch (RuntimeException e) {
                LOG.warn("EMR connection {} skipped: {}", row.id(),
                        e.getMessage());
            }
        }
        return active;
    }

    EmrConnection resolve(TenancyRepository.ConnectionRow row) {
        String base = EMBEDDED_SANDBOX.equals(row.baseUrl())
                ? "http://127.0.0.1:" + localPort + SANDBOX_PATH
                : row.baseUrl().replaceAll("/+$", "");
        String credentials = tenancy.sealedCredentials(row.id())
                .map(sealed -> secrets.open(sealed, SecretBox.emrCredentials(row.id()))).orElse(null);
        // the stored credentials: the auth object, with the TLS settings as its tls member
        EmrAuthSettings auth = EmrAuthSettings.parse(EmrTlsSettings.authOfStored(credentials));
        EmrTlsSettings tls = EmrTlsSettings.ofStored(credentials);
        return new EmrConnection(row.id(), row.emrType(), base, settings(row.settings()), auth, row.status(),
                options(row.settings()), tls);
    }

    /** The settings JSON as plain values, for adapters and team routes written in YAML; none when blank. */
    @SuppressWarnings("unchecked")
    Map<String, Object> options(String settingsJson) {
        if (settingsJson == null || settingsJson.isBlank()) {
            return Map.of();
        }
        try {
            Object value = json.readValue(settingsJson, Object.class);
            return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        } catch (Exception e) {
            throw new IllegalStateException("EMR connection settings are not valid JSON");
        }
    }

    EmrConnection.FhirSettings settings(String settingsJson) {
        EmrConnection.FhirSettings defaults = EmrConnection.FhirSettings.defaults();
        if (settingsJson == null || settingsJson.isBlank()) {
            return defaults;
        }
        try {
            var node = json.readTree(settingsJson);
            return new EmrConnection.FhirSettings(
                    node.path("mrn_system").asText(defaults.mrnSystem()),
                    node.path("job_identifier_system").asText(defaults.jobIdentifierSystem()),
                    node.path("pharmacy_extension_url").asText(defaults.pharmacyExtensionUrl()),
                    node.path("pharmacy_type_system").asText(defaults.pharmacyTypeSystem()),
                    node.path("pharmacy_type_code").asText(defaults.pharmacyTypeCode()),
                    node.path("template_extension_url").asText(defaults.templateExtensionUrl()),
                    node.path("npi_system").asText(defaults.npiSystem()),
                    zone(node.path("timezone").asText(null), defaults.timezone()),
                    Math.max(0, node.path("calls_per_minute").asInt(defaults.callsPerMinute())),
                    oneOf(node.path("refill_status").asText(defaults.refillStatus()), "draft", "active", "on-hold"),
                    oneOf(node.path("refill_intent").asText(defaults.refillIntent()), "proposal", "plan", "order",
                            "original-order", "reflex-order", "filler-order", "instance-order", "option"),
                    oneOf(node.path("pharmacy_list").asText(defaults.pharmacyList()),
                            EmrConnection.FhirSettings.PHARMACY_LIST_EXTENSION, EmrConnection.FhirSettings.PHARMACY_LIST_RESOURCE,
                            EmrConnection.FhirSettings.PHARMACY_LIST_NONE),
                    templateCodes(node.path("template_codes")),
                    node.path("pharmacy_list_code").asText(defaults.pharmacyListCode()),
                    node.path("practitioner_id_system").asText(defaults.practitionerIdSystem()),
                    node.path("location_id_system").asText(defaults.locationIdSystem()),
                    node.path("pharmacy_id_system").asText(defaults.pharmacyIdSystem()));
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("EMR connection settings are not valid JSON");
        }
    }

    private static String oneOf(String value, String... allowed) {
        if (Arrays.asList(allowed).contains(value)) {
            return value;
        }
        throw new IllegalStateException("EMR connection setting value not allowed; expected one of " + String.join(", ", allowed));
    }

    private static Map<String, String> templateCodes(JsonNode node) {
        Map<String, String> codes = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> codes.put(e.getKey(), e.getValue().asText()));
        return codes;
    }

    /** The clinic's IANA time zone; an unknown id falls back to the default (UTC), with a warning. */
    static ZoneId zone(String id, ZoneId fallback) {
        if (id == null || id.isBlank()) {
            return fallback;
        }
        try {
            return ZoneId.of(id.strip());
        } catch (DateTimeException e) {
            LOG.warn("EMR connection setting timezone is not an IANA time zone id; using {}", fallback);
            return fallback;
        }
    }
}
