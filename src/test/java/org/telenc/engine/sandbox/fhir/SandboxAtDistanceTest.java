package org.telenc.engine.sandbox.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.WebhookReceiver;

/**
 * The sandbox EMR at a clinic's distance, as the benchmark's phase f runs it: with
 * {@code engine.sandbox.fhir.delay} every FHIR call over HTTP waits that long, while the engine's
 * own API answers at once; with {@code engine.sandbox.fhir.generated-patients} the generated
 * population is there beside the demo data, which is unchanged, and an encounter for a generated
 * patient goes through end to end. The whole engine over real HTTP.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SandboxAtDistanceTest extends EngineTest {

    static final Duration DELAY = Duration.ofMillis(400);
    static final int GENERATED = 6;

    @Autowired
    SandboxFhirStore emr;
    @Autowired
    FhirContext fhir;

    @DynamicPropertySource
    static void atDistance(DynamicPropertyRegistry registry) {
        ownEngine(registry, "sandbox-at-distance");
        registry.add("engine.sandbox.fhir.delay", () -> DELAY.toMillis() + "ms");
        registry.add("engine.sandbox.fhir.generated-patients", () -> String.valueOf(GENERATED));
    }

    @Test
    void everySandboxFhirCallWaitsTheDelayAndTheApiDoesNot() throws Exception {
        List<Long> fhirMillis = new ArrayList<>();
        for (String path : List.of("/metadata", "/Patient?identifier=" + SandboxDemoData.MRN_SYSTEM + "%7C100234",
                "/Practitioner/12241")) {
            long begin = System.nanoTime();
            HttpResponse<String> response = sandbox(path);
            fhirMillis.add((System.nanoTime() - begin) / 1_000_000);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
        }
        assertThat(fhirMillis).as("sandbox FHIR calls, ms").allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(DELAY.toMillis()));

        List<Long> apiMillis = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long begin = System.nanoTime();
            HttpResponse<String> response = get("/v1/providers");
            apiMillis.add((System.nanoTime() - begin) / 1_000_000);
            assertThat(response.statusCode()).isEqualTo(200);
        }
        assertThat(apiMillis.stream().mapToLong(Long::longValue).min().orElseThrow()).as("/v1 calls, ms: " + apiMillis)
                .isLessThan(DELAY.toMillis());
    }

    @Test
    void theGeneratedPatientsAreFoundBesideTheUnchangedDemoData() throws Exception {
        JsonNode withPharmacy = search("/Patient?identifier=" + SandboxDemoData.MRN_SYSTEM + "%7C200004");
        assertThat(withPharmacy.path("total").asInt()).isEqualTo(1);
        JsonNode patient = withPharmacy.path("entry").get(0).path("resource");
        assertThat(patient.path("id").asText()).isEqualTo("pat-gen-200004");
        assertThat(patient.path("extension").get(0).path("valueReference").path("reference").asText())
                .isEqualTo("Organization/PH-2001");
        JsonNode without = search("/Patient?identifier=" + SandboxDemoData.MRN_SYSTEM + "%7C200005").path("entry").get(0)
                .path("resource");
        assertThat(without.path("id").asText()).isEqualTo("pat-gen-200005");
        assertThat(without.has("extension")).as("no pharmacy on file").isFalse();
        JsonNode orders = search("/MedicationRequest?patient=pat-gen-200005");
        assertThat(orders.path("total").asInt()).isEqualTo(1);
        JsonNode order = orders.path("entry").get(0).path("resource");
        assertThat(order.path("status").asText()).isEqualTo("active");
        assertThat(order.path("medicationCodeableConcept").path("text").asText()).isEqualTo(SandboxGeneratedPatients.MEDICATION);
        assertThat(order.path("dispenseRequest").path("numberOfRepeatsAllowed").asInt()).isEqualTo(5);
        assertThat(search("/Patient?identifier=" + SandboxDemoData.MRN_SYSTEM + "%7C" + (200000 + GENERATED))
                .path("total").asInt()).as("only " + GENERATED + " generated").isZero();

        SandboxFhirStore demo = SandboxFhirStore.seeded();
        assertThat(emr.count(Patient.class)).isEqualTo(demo.count(Patient.class) + GENERATED);
        assertSameAsDemo(demo, Patient.class);
        assertSameAsDemo(demo, MedicationRequest.class);
    }

    @Test
    void anEncounterForAGeneratedPatientIsCreatedWithItsRefillAndPharmacy() throws Exception {
        String body = encounterBody("200004", "lisinopril", "PH-2001");
        HttpResponse<String> accepted = post("/v1/telephone-encounters", body);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String id = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
        WebhookReceiver.Received delivery = receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(60));
        JsonNode event = JSON.readTree(delivery.bodyText());
        assertThat(event.path("type").asText()).as(delivery.bodyText()).isEqualTo("telephone_encounter.created");
        assertThat(emr.find(MedicationRequest.class, m -> m.getSubject().getReference().equals("Patient/pat-gen-200004")
                && m.getIntent() == MedicationRequest.MedicationRequestIntent.PROPOSAL)).as("the refill request").hasSize(1);
    }

    /** Every demo resource of the type is in the sandbox as seeded (meta aside). */
    private <T extends Resource> void assertSameAsDemo(SandboxFhirStore demo, Class<T> type) {
        Function<Resource, String> json = resource -> {
            Resource copy = resource.copy();
            copy.setMeta(null);
            return fhir.newJsonParser().encodeResourceToString(copy);
        };
        for (T expected : demo.all(type)) {
            String id = expected.getIdElement().getIdPart();
            assertThat(emr.read(type, id)).as(type.getSimpleName() + "/" + id).isPresent()
                    .get().extracting(json).isEqualTo(json.apply(expected));
        }
    }

    private JsonNode search(String path) throws Exception {
        HttpResponse<String> response = sandbox(path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> sandbox(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(SandboxFhirConfiguration.BASE_PATH + path))
                .header("Accept", "application/fhir+json").GET());
    }
}
