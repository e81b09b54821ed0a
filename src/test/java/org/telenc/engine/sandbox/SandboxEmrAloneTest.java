package org.telenc.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.sandbox.fhir.SandboxFhirConfiguration;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.WebhookReceiver;

/**
 * The sandbox EMR as its own application ({@link SandboxEmrApplication}, what the benchmark runs as
 * a process of its own): it serves the sandbox FHIR server with its settings (generated patients)
 * and nothing of the engine (no {@code /v1}, no actuator, no broker or database beans); an engine
 * in sandbox mode told {@code engine.demo.emr-base-url} uses it instead of its embedded sandbox, and
 * an encounter for a patient only the outside sandbox has ends created, its webhook delivered.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SandboxEmrAloneTest extends EngineTest {

    /** Generated patients in the outside sandbox only: the engine's embedded one has none. */
    static final int GENERATED = 4;
    static ConfigurableApplicationContext outside;

    @Autowired
    SandboxFhirStore embedded;

    @DynamicPropertySource
    static void outsideEmr(DynamicPropertyRegistry registry) {
        ownEngine(registry, "sandbox-emr-alone");
        registry.add("engine.demo.emr-base-url", () -> outsideBaseUrl());
    }

    static synchronized String outsideBaseUrl() {
        if (outside == null) {
            outside = SandboxEmrApplication.start("--server.port=0", "--spring.main.banner-mode=off",
                    "--engine.sandbox.fhir.generated-patients=" + GENERATED);
        }
        return "http://127.0.0.1:" + outsidePort() + SandboxFhirConfiguration.BASE_PATH;
    }

    static int outsidePort() {
        return ((ServletWebServerApplicationContext) outside).getWebServer().getPort();
    }

    @AfterAll
    static void stopOutside() {
        if (outside != null) {
            outside.close();
            outside = null;
        }
    }

    @Test
    void theSandboxAloneServesFhirAndNothingOfTheEngine() throws Exception {
        assertThat(outsideGet(SandboxFhirConfiguration.BASE_PATH + "/metadata").statusCode()).isEqualTo(200);
        assertThat(outsideGet("/v1/providers").statusCode()).as("no engine API").isEqualTo(404);
        assertThat(outsideGet("/actuator/health").statusCode()).as("no actuator").isEqualTo(404);
        assertThat(outsideGet("/sandbox/webhook-inbox").statusCode()).as("no inbox").isEqualTo(404);
        assertThat(outside.getBeanNamesForType(javax.sql.DataSource.class)).as("no database").isEmpty();
        assertThat(outside.getBeanNamesForType(jakarta.jms.ConnectionFactory.class)).as("no broker").isEmpty();
        assertThat(outside.getBean(SandboxFhirStore.class).count(Patient.class))
                .isEqualTo(SandboxFhirStore.seeded().count(Patient.class) + GENERATED);
    }

    @Test
    void anEngineToldTheOutsideUrlCreatesTheEncounterThere() throws Exception {
        String mrn = "200002"; // a generated patient: only the outside sandbox knows it
        HttpResponse<String> accepted = post("/v1/telephone-encounters", encounterBody(mrn, "lisinopril", "PH-2001"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String id = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
        WebhookReceiver.Received delivery = receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(60));
        JsonNode event = JSON.readTree(delivery.bodyText());
        assertThat(event.path("type").asText()).as(delivery.bodyText()).isEqualTo("telephone_encounter.created");
        SandboxFhirStore outsideStore = outside.getBean(SandboxFhirStore.class);
        assertThat(outsideStore.find(Encounter.class, e -> e.getSubject().getReference().equals("Patient/pat-gen-" + mrn)))
                .as("the encounter in the outside sandbox").hasSize(1);
        assertThat(embedded.find(Encounter.class, e -> e.getSubject().getReference().equals("Patient/pat-gen-" + mrn)))
                .as("nothing in the embedded one").isEmpty();
    }

    private HttpResponse<String> outsideGet(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + outsidePort() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
