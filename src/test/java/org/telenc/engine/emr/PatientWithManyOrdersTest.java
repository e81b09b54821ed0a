package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.telenc.engine.emr.fhir.FhirRequests;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;

/**
 * A patient with years of orders: the patient search asks only for the active orders (intent
 * order) and their medications, paged by order, so a server's cap on included resources per page
 * (the sandbox caps at 1000 as HAPI FHIR JPA does, maximumIncludesToLoadPerPage) cannot cut the
 * one the caller names off. Still one EMR call for the search unless the active orders fill more
 * than a page. Calls are counted by the engine's EMR call timer (the next links are the server's
 * own addresses).
 */
class PatientWithManyOrdersTest extends EngineTest {

    static final String PATIENT = "pat-1001"; // MRN 100234 in the demo data

    @Autowired
    SandboxFhirStore emr;
    @Autowired
    FhirContext fhir;
    @Autowired
    MeterRegistry meters;

    @BeforeEach
    @AfterEach
    void demoData() {
        emr.reset();
    }

    /** Writes the orders into the sandbox EMR, as another system would have: transactions of 150 (its request body limit). */
    void write(List<MedicationRequest> orders) throws Exception {
        for (int from = 0; from < orders.size(); from += 150) {
            writeOne(orders.subList(from, Math.min(orders.size(), from + 150)));
        }
    }

    void writeOne(List<MedicationRequest> orders) throws Exception {
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        orders.forEach(order -> transaction.addEntry().setResource(order).getRequest().setMethod(Bundle.HTTPVerb.POST)
                .setUrl("MedicationRequest"));
        HttpResponse<String> written = http.send(HttpRequest.newBuilder(URI.create(sandbox()))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(fhir.newJsonParser().encodeResourceToString(transaction))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
    }

    String sandbox() {
        return "http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH;
    }

    static MedicationRequest order(String name, MedicationRequest.MedicationRequestStatus status,
            MedicationRequest.MedicationRequestIntent intent) {
        MedicationRequest order = new MedicationRequest();
        order.setStatus(status);
        order.setIntent(intent);
        order.setSubject(new Reference("Patient/" + PATIENT));
        order.setMedication(new CodeableConcept().setText(name));
        return order;
    }

    /** 2,000 orders of other statuses and intents: ended prescriptions, and refill proposals like the engine's own. */
    static List<MedicationRequest> history(int count) {
        MedicationRequest.MedicationRequestStatus[] statuses = {MedicationRequest.MedicationRequestStatus.COMPLETED,
                MedicationRequest.MedicationRequestStatus.STOPPED, MedicationRequest.MedicationRequestStatus.DRAFT};
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> order("Historic drug " + i, statuses[i % 3],
                i % 3 == 2 ? MedicationRequest.MedicationRequestIntent.PROPOSAL : MedicationRequest.MedicationRequestIntent.ORDER))
                .toList();
    }

    double searchCalls() {
        Timer timer = meters.find("telenc.emr.call").tag("operation", FhirRequests.SEARCH_PATIENT_WITH_ORDERS).tag("outcome", "ok").timer();
        return timer == null ? 0 : timer.count();
    }

    JsonNode encounter(String medication) throws Exception {
        HttpResponse<String> accepted = post("/v1/telephone-encounters", """
                {"patient_mrn":"100234","provider_id":"12241","location_id":"31","assigned_to_id":"12220",
                 "reason":"Refill","refill_medication_name":"%s"}""".formatted(medication));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String id = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
        return JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(60)).bodyText());
    }

    String refillBasis(JsonNode event) {
        String jobId = event.path("data").path("telephone_encounter_id").asText();
        List<MedicationRequest> refills = emr.find(MedicationRequest.class, m -> m.getIdentifier().stream()
                .anyMatch(i -> i.getSystem().endsWith(":refill") && jobId.equals(i.getValue())));
        assertThat(refills).hasSize(1);
        return refills.get(0).getPriorPrescription().getReferenceElement().getIdPart();
    }

    @Test
    void anActiveOrderBehindTwoThousandOldOnesIsMatched() throws Exception {
        write(history(2000));
        write(List.of(order("Zetarolol 25 mg tablet", MedicationRequest.MedicationRequestStatus.ACTIVE,
                MedicationRequest.MedicationRequestIntent.ORDER)));
        String active = emr.find(MedicationRequest.class, m -> m.hasMedicationCodeableConcept()
                && m.getMedicationCodeableConcept().getText().startsWith("Zetarolol")).get(0).getIdElement().getIdPart();
        // the sandbox caps includes per page as HAPI JPA does: the patient search with _revinclude misses it
        HttpResponse<String> revinclude = http.send(HttpRequest.newBuilder(URI.create(sandbox()
                + "/Patient?identifier=100234&_revinclude=MedicationRequest%3Apatient")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Bundle capped = fhir.newJsonParser().parseResource(Bundle.class, revinclude.body());
        assertThat(capped.getEntry().stream().filter(e -> e.getResource() instanceof MedicationRequest)).hasSize(1000);
        assertThat(capped.getEntry()).noneMatch(e -> e.getResource().getIdElement().getIdPart().equals(active));
        assertThat(capped.getLink(Bundle.LINK_NEXT)).isNull();

        double before = searchCalls();
        JsonNode event = encounter("zetarolol");

        assertThat(event.path("type").asText()).as(event.toString()).isEqualTo("telephone_encounter.created");
        assertThat(event.path("data").path("refill_medication_name").asText()).isEqualTo("Zetarolol 25 mg tablet");
        assertThat(refillBasis(event)).isEqualTo(active);
        assertThat(searchCalls() - before).as("one search call: the patient's active orders fit one page").isEqualTo(1);
    }

    @Test
    void activeOrdersBeyondAPageAreFollowedThroughTheNextLinks() throws Exception {
        write(history(300));
        List<MedicationRequest> active = java.util.stream.IntStream.range(0, 250).mapToObj(i -> order("Current drug " + i,
                MedicationRequest.MedicationRequestStatus.ACTIVE, MedicationRequest.MedicationRequestIntent.ORDER)).toList();
        write(active);
        write(List.of(order("Zetarolol 25 mg tablet", MedicationRequest.MedicationRequestStatus.ACTIVE,
                MedicationRequest.MedicationRequestIntent.ORDER)));

        double before = searchCalls();
        JsonNode event = encounter("zetarolol");

        assertThat(event.path("type").asText()).as(event.toString()).isEqualTo("telephone_encounter.created");
        assertThat(event.path("data").path("refill_medication_name").asText()).isEqualTo("Zetarolol 25 mg tablet");
        // 6 demo active orders + 251 here = 257 active orders: the batch, then two next pages of 100
        assertThat(searchCalls() - before).isEqualTo(3);
    }
}
