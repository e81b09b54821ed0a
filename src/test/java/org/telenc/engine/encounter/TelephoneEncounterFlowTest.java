package org.telenc.engine.encounter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.WebhookReceiver;
import org.telenc.engine.support.Json;

/**
 * End to end over HTTP: POST, the queue, the FHIR sandbox over camel-http, and the signed webhook a
 * real receiver gets; then what the sandbox EMR holds.
 */
class TelephoneEncounterFlowTest extends EngineTest {

    static final String JOB_SYSTEM = "urn:telenc:telephone-encounter";

    @Autowired
    SandboxFhirStore emr;

    record Done(String id, JsonNode event, WebhookReceiver.Received delivery) {
    }

    Done submit(String body) throws Exception {
        var response = post("/v1/telephone-encounters", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode accepted = JSON.readTree(response.body());
        assertThat(accepted.path("message").asText())
                .isEqualTo("Telephone encounter processing. A webhook event will be sent upon completion.");
        String id = accepted.path("telephone_encounter_id").asText();
        WebhookReceiver.Received delivery = receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30));
        JsonNode event = JSON.readTree(delivery.bodyText());
        assertSignedAndWellFormed(delivery, event, accepted.path("job_id").asText());
        return new Done(id, event, delivery);
    }

    static void assertSignedAndWellFormed(WebhookReceiver.Received delivery, JsonNode event, String jobId) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(receiverSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(delivery.body()));
        assertThat(delivery.headers().get("cobalt-verification")).isEqualTo(expected);
        assertThat(delivery.headers().get("webhook-id")).isEqualTo(event.path("id").asText()).matches("evt_[0-9a-f]{32}");
        assertThat(delivery.headers().get("webhook-timestamp")).isEqualTo(event.path("created").asText());
        assertThat(delivery.headers().get("webhook-attempt")).isEqualTo("1");
        assertThat(delivery.headers().get("content-type")).startsWith("application/json");
        // compact JSON: re-serializing the parsed body gives the same bytes
        assertThat(event.toString()).isEqualTo(delivery.bodyText());
        assertThat(event.path("object").asText()).isEqualTo("event");
        assertThat(event.path("job_id").asText()).isEqualTo(jobId);
        assertThat(event.path("access_token_reference_id").asText()).isEqualTo("demo-clinic");
        assertThat(event.path("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    List<Encounter> encounters(String id) {
        return emr.find(Encounter.class, e -> e.getIdentifier().stream()
                .anyMatch(i -> JOB_SYSTEM.equals(i.getSystem()) && id.equals(i.getValue())));
    }

    List<MedicationRequest> refills(String id) {
        return emr.find(MedicationRequest.class, m -> m.getIdentifier().stream()
                .anyMatch(i -> (JOB_SYSTEM + ":refill").equals(i.getSystem()) && id.equals(i.getValue())));
    }

    static String body(String mrn, String medication, String pharmacy) {
        return Json.object("patient_mrn", mrn, "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220",
                "reason", "Refill", "caller", "Daughter", "message", "Please call back", "is_high_priority", "true",
                "refill_medication_name", medication, "pharmacy_ehr_id", pharmacy);
    }

    @Test
    void createdWithRefillAndPharmacy() throws Exception {
        Done done = submit(body("100234", "lisinopril", "PH-2001"));
        assertThat(done.event().path("type").asText()).isEqualTo("telephone_encounter.created");
        JsonNode data = done.event().path("data");
        List<Encounter> created = encounters(done.id());
        assertThat(created).hasSize(1);
        Encounter encounter = created.get(0);
        assertThat(data.path("telephone_encounter_id").asText()).isEqualTo(done.id());
        assertThat(data.path("emr_appointment_id").asText()).isEqualTo(encounter.getIdElement().getIdPart());
        assertThat(data.path("patient_mrn").asText()).isEqualTo("100234");
        assertThat(data.path("refill_medication_name").asText()).isEqualTo("Lisinopril 10 mg tablet");
        assertThat(data.path("pharmacy_ehr_id").asText()).isEqualTo("PH-2001");
        assertThat(encounter.getSubject().getReference()).isEqualTo("Patient/pat-1001");
        assertThat(encounter.getClass_().getCode()).isEqualTo("VR");
        assertThat(encounter.getTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo("185317003");
        assertThat(encounter.getPriority().getCodingFirstRep().getCode()).isEqualTo("UR");
        // enriched from the synced reference rows
        assertThat(encounter.getParticipantFirstRep().getIndividual().getDisplay()).isEqualTo("Alice Morgan, MD");
        assertThat(encounter.getLocationFirstRep().getLocation().getDisplay()).isEqualTo("Main Street Clinic");
        List<MedicationRequest> refill = refills(done.id());
        assertThat(refill).hasSize(1);
        assertThat(refill.get(0).getIntent()).isEqualTo(MedicationRequest.MedicationRequestIntent.PROPOSAL);
        assertThat(refill.get(0).getPriorPrescription().getReference()).isEqualTo("MedicationRequest/mr-1001-1");
        assertThat(refill.get(0).getEncounter().getReference()).isEqualTo("Encounter/" + encounter.getIdElement().getIdPart());
        assertThat(refill.get(0).getDispenseRequest().getPerformer().getReference()).isEqualTo("Organization/PH-2001");
        assertThat(refill.get(0).getDispenseRequest().getPerformer().getDisplay()).isEqualTo("CVS Pharmacy #1234");
        List<Task> tasks = emr.find(Task.class, t -> t.getEncounter().getReference() != null
                && t.getEncounter().getReference().endsWith(encounter.getIdElement().getIdPart()));
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).getOwner().getReference()).isEqualTo("Practitioner/12220");
        assertThat(tasks.get(0).getOwner().getDisplay()).isEqualTo("Nina Patel, RN");
        List<Communication> notes = emr.find(Communication.class, c -> c.getEncounter().getReference() != null
                && c.getEncounter().getReference().endsWith(encounter.getIdElement().getIdPart()));
        assertThat(notes).hasSize(1);
        assertThat(notes.get(0).getSender().getDisplay()).isEqualTo("Daughter");

        JsonNode status = JSON.readTree(get("/v1/telephone-encounters/" + done.id()).body());
        assertThat(status.path("telephone_encounter").path("status").asText()).isEqualTo("completed");
        assertThat(status.path("telephone_encounter").path("emr_appointment_id").asText())
                .isEqualTo(encounter.getIdElement().getIdPart());
        JsonNode events = JSON.readTree(get("/v1/webhook-events?job_id=" + done.event().path("job_id").asText()).body());
        assertThat(events.path("webhook_events").findValuesAsText("event_id")).contains(done.event().path("id").asText());
    }

    @Test
    void createdWithoutRefillOrPharmacy() throws Exception {
        Done done = submit(body("100236", null, null));
        assertThat(done.event().path("type").asText()).isEqualTo("telephone_encounter.created");
        JsonNode data = done.event().path("data");
        assertThat(data.has("refill_medication_name")).isFalse();
        assertThat(data.has("pharmacy_ehr_id")).isFalse();
        assertThat(encounters(done.id())).hasSize(1);
        assertThat(refills(done.id())).isEmpty();
    }

    @Test
    void createdAddsAMissingPharmacyAndMatchesAReferencedMedication() throws Exception {
        Done done = submit(body("100235", "albuterol", "PH-2002"));
        assertThat(done.event().path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(done.event().path("data").path("refill_medication_name").asText())
                .isEqualTo("Albuterol 90 mcg/actuation HFA inhaler");
        Patient patient = emr.read(Patient.class, "pat-1002").orElseThrow();
        assertThat(patient.getExtension().stream().map(e -> ((Reference) e.getValue()).getReference()))
                .containsExactly("Organization/PH-2002");
        assertThat(refills(done.id())).hasSize(1);
    }

    @Test
    void createdPartialWhenTheEmrRejectsTheRefill() throws Exception {
        Done done = submit(body("100234", "oxycodone", null));
        assertThat(done.event().path("type").asText()).isEqualTo("telephone_encounter.created_partial");
        JsonNode data = done.event().path("data");
        assertThat(data.path("reasons").findValuesAsText("code")).containsExactly("refill_not_added");
        assertThat(data.path("failure_reason").asText()).contains("refill request could not be added");
        assertThat(data.has("refill_medication_name")).isFalse();
        assertThat(encounters(done.id())).hasSize(1);
        assertThat(refills(done.id())).isEmpty();
        JsonNode status = JSON.readTree(get("/v1/telephone-encounters/" + done.id()).body());
        assertThat(status.path("telephone_encounter").path("status").asText()).isEqualTo("partial");
    }

    @Test
    void failedWhenNoPatientHasTheMrn() throws Exception {
        Done done = submit(body("999999", null, null));
        assertThat(done.event().path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(done.event().path("data").path("reasons").findValuesAsText("code")).containsExactly("patient_not_found");
        assertThat(encounters(done.id())).isEmpty();
    }

    @Test
    void failedWhenTwoPatientsShareTheMrn() throws Exception {
        Done done = submit(body("100299", null, null));
        assertThat(done.event().path("data").path("reasons").findValuesAsText("code")).containsExactly("patient_not_found");
        assertThat(encounters(done.id())).isEmpty();
    }

    @Test
    void failedWithTheRefillableListWhenNoMedicationMatches() throws Exception {
        Done done = submit(body("100234", "ibuprofen", "PH-2001"));
        JsonNode data = done.event().path("data");
        assertThat(done.event().path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(data.path("reasons").findValuesAsText("code")).containsExactly("medication_not_found");
        assertThat(data.path("available_medications")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "Lisinopril 10 mg tablet", "Metformin 500 mg tablet", "Metoprolol succinate ER 25 mg tablet",
                "Metoprolol tartrate 50 mg tablet", "Oxycodone 5 mg tablet");
        assertThat(encounters(done.id())).as("nothing is written on a failed match").isEmpty();
        assertThat(refills(done.id())).isEmpty();
    }

    @Test
    void failedWithTheCandidatesWhenSeveralMedicationsMatch() throws Exception {
        Done done = submit(body("100234", "Metoprolol", null));
        JsonNode data = done.event().path("data");
        assertThat(data.path("reasons").findValuesAsText("code")).containsExactly("medication_ambiguous");
        assertThat(data.path("available_medications")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "Metoprolol succinate ER 25 mg tablet", "Metoprolol tartrate 50 mg tablet");
        assertThat(encounters(done.id())).isEmpty();
    }
}
