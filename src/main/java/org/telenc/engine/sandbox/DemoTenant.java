package org.telenc.engine.sandbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.telenc.engine.admin.AdminAuthenticator;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.console.ConsoleUsers;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.tenancy.TenancyRepository;
import org.telenc.engine.webhook.WebhookRepository;
import org.telenc.engine.webhook.signing.WebhookSignatures;

/**
 * Sandbox mode only: a demo client, an access token on the embedded sandbox EMR, and a webhook URL
 * pointing at the built-in inbox, so a newcomer sees the whole loop with two curls. The demo
 * credentials come from configuration and are printed at start.
 */
@Component
@ConditionalOnProperty(name = {"engine.sandbox.enabled", "engine.demo.enabled"}, havingValue = "true", matchIfMissing = true)
public class DemoTenant {

    private static final Logger log = LoggerFactory.getLogger(DemoTenant.class);
    public static final String CONNECTION_NAME = "sandbox";

    private final TenancyRepository tenancy;
    private final WebhookRepository webhooks;
    private final EngineProperties properties;
    private final boolean adminTokenConfigured;
    private final boolean console;
    private int port;

    public DemoTenant(TenancyRepository tenancy, WebhookRepository webhooks, EngineProperties properties,
            AdminAuthenticator admin, @Value("${engine.console.enabled:false}") boolean console) {
        this.console = console;
        this.adminTokenConfigured = !admin.usesDemoToken();
        this.tenancy = tenancy;
        this.webhooks = webhooks;
        this.properties = properties;
    }

    @EventListener
    @Transactional
    public void onWebServer(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() != null) {
            return;
        }
        port = event.getWebServer().getPort();
        EngineProperties.Demo demo = properties.demo();
        String connectionId = tenancy.findConnectionIdByName(CONNECTION_NAME).orElseGet(() -> {
            String id = Secrets.newId();
            tenancy.insertConnection(id, CONNECTION_NAME, "fhir-r4", demo.emrBaseUrl(), null);
            return id;
        });
        tenancy.updateConnectionBaseUrl(connectionId, demo.emrBaseUrl());
        String clientPk = tenancy.findClient(demo.clientId()).map(TenancyRepository.ClientRow::id).orElseGet(() -> {
            String id = Secrets.newId();
            tenancy.insertClient(id, demo.clientId(), Secrets.sha256Hex(demo.clientSecret()), "Demo client");
            return id;
        });
        tenancy.updateClientSecret(clientPk, Secrets.sha256Hex(demo.clientSecret()));
        if (tenancy.findToken(Secrets.sha256Hex(demo.accessToken())).isEmpty()) {
            tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex(demo.accessToken()), clientPk, connectionId,
                    demo.emrUserId(), demo.accessTokenReferenceId());
        }
        boolean inbox = demo.webhookUrl().isBlank();
        String url = inbox ? inboxUrl() : demo.webhookUrl();
        var existing = webhooks.endpoints(clientPk).stream()
                .filter(e -> inbox ? e.url().contains("/sandbox/webhook-inbox") : e.url().equals(url)).findFirst();
        if (existing.isPresent()) {
            webhooks.updateEndpointUrl(existing.get().id(), url);
        } else {
            webhooks.insertEndpoint(new WebhookRepository.Endpoint(Secrets.newId(), clientPk, url, "cobalt", "enabled"),
                    WebhookSignatures.newCobaltSecret());
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    public void announce() {
        EngineProperties.Demo demo = properties.demo();
        log.info("""

                ==== Telephone-encounter engine ready (sandbox mode) ====
                Demo client_id: {}  client_secret: {}  access_token: {}  (admin API token: {})
                Create a telephone encounter:
                  curl -s -X POST http://localhost:{}/v1/telephone-encounters \\
                    -H 'Content-Type: application/json' -H 'client_id: {}' -H 'client_secret: {}' -H 'access_token: {}' \\
                    -d '{"patient_mrn":"100234","provider_id":"12241","location_id":"31","assigned_to_id":"12220","reason":"Refill request","refill_medication_name":"lisinopril","pharmacy_ehr_id":"PH-2001","caller":"Jane Doe","message":"Out of pills by Friday","is_high_priority":"false"}'
                See the webhook it produced:
                  curl -s http://localhost:{}/sandbox/webhook-inbox
                {}
                =========================================================""",
                demo.clientId(), demo.clientSecret(), demo.accessToken(), adminToken(), port, demo.clientId(), demo.clientSecret(),
                demo.accessToken(), port, consoleLine());
    }

    private String consoleLine() {
        return !console ? "Operator console: off (engine.console.enabled=false)"
                : "Operator console: http://localhost:" + port + "/console  users: " + ConsoleUsers.DEMO_OPERATOR + " / "
                        + ConsoleUsers.DEMO_OPERATOR + "-password, " + ConsoleUsers.DEMO_VIEWER + " / " + ConsoleUsers.DEMO_VIEWER
                        + "-password, " + ConsoleUsers.DEMO_ADMIN + " / " + ConsoleUsers.DEMO_ADMIN + "-password";
    }

    private String adminToken() {
        return adminTokenConfigured ? "as configured" : AdminAuthenticator.DEMO_TOKEN;
    }

    private String inboxUrl() {
        return "http://127.0.0.1:" + port + "/sandbox/webhook-inbox";
    }
}
