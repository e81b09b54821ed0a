package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.encounter.EncounterJob;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;

/**
 * docs/design.md "Two EMR calls per encounter": a job that wrote its transaction and then failed before its outcome was recorded (a
 * crash between the write and the outcome, here a fault woven in before encounter-finish's
 * branch-on-outcome, once) is
 * redelivered by the broker and processed again: the transaction's ifNoneExist entries find what the
 * first try wrote, so the EMR holds exactly one Encounter, Communication, Task and refill, and the
 * patient the pharmacy once.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its routes are woven
class EmrBatchingRedeliveryTest extends EngineTest {

    static final String JOB_SYSTEM = "urn:telenc:telephone-encounter";
    static final String MARKER = "caller-redelivered";
    static final AtomicInteger FAULTS_LEFT = new AtomicInteger();
    static final AtomicInteger WRITES = new AtomicInteger();

    @Autowired
    CamelContext camelContext;
    @Autowired
    SandboxFhirStore emr;

    @DynamicPropertySource
    static void fastRedelivery(DynamicPropertyRegistry registry) {
        ownEngine(registry, "batching-redelivery");
        registry.add("engine.broker.redelivery.initial-delay", () -> "1s"); // the broker's least
        registry.add("engine.broker.redelivery.maximum-delay", () -> "2s");
    }

    static boolean marked(org.apache.camel.Exchange exchange) {
        return exchange.getProperty(ExchangeProperties.JOB) instanceof EncounterJob job
                && MARKER.equals(job.request().getCaller());
    }

    @Test
    void aJobProcessedTwiceWritesEachResourceOnce() throws Exception {
        AdviceWith.adviceWith(camelContext, "encounter-emr-steps", route -> route.weaveById("emr-write-encounter").after()
                .process(exchange -> {
                    if (marked(exchange)) {
                        WRITES.incrementAndGet();
                    }
                }));
        AdviceWith.adviceWith(camelContext, "encounter-finish", route -> route.weaveById("branch-on-outcome").before()
                .process(exchange -> {
                    if (marked(exchange) && FAULTS_LEFT.getAndDecrement() > 0) {
                        throw new IllegalStateException("injected crash before the outcome");
                    }
                }));
        FAULTS_LEFT.set(1);
        HttpResponse<String> accepted = post("/v1/telephone-encounters", Json.object("patient_mrn", "100234", "provider_id", "12241",
                "location_id", "31", "assigned_to_id", "12220", "caller", MARKER, "message", "Call back",
                "refill_medication_name", "lisinopril", "pharmacy_ehr_id", "PH-2002"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String id = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(FAULTS_LEFT.get()).isNegative(); // the fault was thrown, and the job ran again
        assertThat(WRITES.get()).isEqualTo(2);
        List<Encounter> encounters = emr.find(Encounter.class, e -> job(e.getIdentifier(), "", id));
        assertThat(encounters).hasSize(1);
        assertThat(event.path("data").path("emr_appointment_id").asText()).isEqualTo(encounters.get(0).getIdElement().getIdPart());
        assertThat(emr.find(Communication.class, c -> job(c.getIdentifier(), ":communication", id))).hasSize(1);
        assertThat(emr.find(Task.class, t -> job(t.getIdentifier(), ":task", id))).hasSize(1);
        assertThat(emr.find(MedicationRequest.class, m -> job(m.getIdentifier(), ":refill", id))).hasSize(1);
        assertThat(emr.read(Patient.class, "pat-1001").orElseThrow()
                .getExtensionsByUrl("http://telenc.org/fhir/StructureDefinition/preferred-pharmacy").stream()
                .map(Extension::getValue).map(v -> ((Reference) v).getReference()).toList())
                .containsExactly("Organization/PH-2001", "Organization/PH-2002");
    }

    static boolean job(List<org.hl7.fhir.r4.model.Identifier> identifiers, String suffix, String id) {
        return identifiers.stream().anyMatch(i -> (JOB_SYSTEM + suffix).equals(i.getSystem()) && id.equals(i.getValue()));
    }
}
