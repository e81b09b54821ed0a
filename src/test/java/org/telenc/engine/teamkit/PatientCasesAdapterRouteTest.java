package org.telenc.engine.teamkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrOperations.AddRefill;
import org.telenc.engine.emr.EmrOperations.CreateEncounter;
import org.telenc.engine.emr.EmrOperations.EncounterCreated;
import org.telenc.engine.emr.EmrOperations.EncounterRead;
import org.telenc.engine.emr.EmrOperations.FindPatient;
import org.telenc.engine.emr.EmrOperations.Named;
import org.telenc.engine.emr.EmrOperations.PatientMatch;
import org.telenc.engine.emr.EmrOperations.ReadEncounter;
import org.telenc.engine.emr.EmrOperations.RefillAdded;
import org.telenc.engine.emr.EmrOperations.RefillableMedication;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.routes.ExchangeProperties;

/**
 * The example adapter (routes/examples/patient-cases-emr) against the engine's operation contract,
 * Camel only: an input record in, the HTTP requests out (the camel-http step replaced by a mock that
 * answers with canned JSON), the result record out, and failure statuses mapped to the engine's EMR
 * exceptions. {@link TeamRouteTestSupport} loads the team file with the engine's generic beans; a
 * team copies this class for its own file.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = TeamRouteTestSupport.Beans.class, properties = {
        "camel.main.routes-include-pattern=file:routes/_shared/emr-call-retries.camel.yaml,"
                + "file:routes/emr/rest-adapter.camel.yaml,file:routes/examples/patient-cases-emr/patient-cases.camel.yaml",
        "engine.emr.retry.attempts=1", "engine.emr.retry.delay-ms=5", "engine.emr.circuit.minimum-calls=1000"})
class PatientCasesAdapterRouteTest extends TeamRouteTestSupport {

    static final String BASE = "https://emr.test/api";
    static final EmrConnection CONNECTION = new EmrConnection("conn-1", "patient-cases", BASE,
            EmrConnection.FhirSettings.defaults(), EmrAuthSettings.none(), "active", Map.of("practice_id", "195900"));
    static final ObjectMapper JSON = new ObjectMapper();

    @EndpointInject("mock:emr")
    MockEndpoint emr;

    @BeforeEach
    void weave() throws Exception {
        replaceHttp("emr-rest-http", "emr-rest-http-call", "mock:emr");
    }

    @AfterEach
    void reset() {
        MockEndpoint.resetMocks(camel);
    }

    Exchange call(String operation, Object input) {
        return call("patient-cases", operation, CONNECTION, input);
    }

    String uri(int i) {
        return emr.getExchanges().get(i).getMessage().getHeader(Exchange.HTTP_URI, String.class);
    }

    String method(int i) {
        return emr.getExchanges().get(i).getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
    }

    JsonNode sent(int i) throws Exception {
        return JSON.readTree(emr.getExchanges().get(i).getMessage().getBody(String.class));
    }

    @Test
    void findPatientSearchesByMrn() {
        emr.whenAnyExchangeReceived(answer(200, "{\"patients\":[{\"patient_id\":\"101\"}]}"));
        PatientMatch match = result(call("find-patient", new FindPatient("100 234")), PatientMatch.class);
        assertThat(uri(0)).isEqualTo(BASE + "/195900/patients?mrn=100%20234");
        assertThat(method(0)).isEqualTo("GET");
        assertThat(match.patientIds()).containsExactly("101");
    }

    @Test
    void createEncounterFindsTheCaseOfAnEarlierTryOrCreatesOne() throws Exception {
        CreateEncounter input = new CreateEncounter("job-1", "101", true, new Named("12241", "Dr A"), new Named("31", "Main"),
                "Refill", null);
        emr.whenExchangeReceived(1, answer(200, "{\"cases\":[]}"));
        emr.whenExchangeReceived(2, answer(201, "{\"case_id\":\"case-9\"}"));
        assertThat(result(call("create-encounter", input), EncounterCreated.class).encounterId()).isEqualTo("case-9");
        assertThat(uri(0)).isEqualTo(BASE + "/195900/patients/101/cases?external_id=job-1");
        assertThat(method(1)).isEqualTo("POST");
        assertThat(sent(1).path("external_id").asText()).isEqualTo("job-1");
        assertThat(sent(1).path("provider_id").asText()).isEqualTo("12241");
        assertThat(sent(1).path("priority_high").asBoolean()).isTrue();

        MockEndpoint.resetMocks(camel);
        emr.whenAnyExchangeReceived(answer(200, "{\"cases\":[{\"case_id\":\"case-9\"}]}"));
        assertThat(result(call("create-encounter", input), EncounterCreated.class).encounterId()).isEqualTo("case-9");
        assertThat(emr.getExchanges()).as("found: no second case").hasSize(1);
    }

    @Test
    void addRefillCarriesTheJobKeyAsIdempotencyKey() throws Exception {
        emr.whenAnyExchangeReceived(answer(201, "{\"refill_request_id\":\"rr-1\"}"));
        AddRefill input = new AddRefill("job-1", "101", "case-9", new RefillableMedication("m-11", "Lisinopril"), "12241",
                new Named("PH-1", "CVS"));
        assertThat(result(call("add-refill", input), RefillAdded.class)).isEqualTo(new RefillAdded());
        assertThat(uri(0)).isEqualTo(BASE + "/195900/cases/case-9/refill-requests");
        assertThat(emr.getExchanges().get(0).getMessage().getHeader("Idempotency-Key")).isEqualTo("job-1");
        assertThat(sent(0).path("medication_id").asText()).isEqualTo("m-11");
        assertThat(sent(0).path("pharmacy_id").asText()).isEqualTo("PH-1");
    }

    @Test
    void readEncounterAnswersNotFoundFor404() {
        emr.whenAnyExchangeReceived(answer(404, "{}"));
        EncounterRead read = result(call("read-encounter", new ReadEncounter("case-x")), EncounterRead.class);
        assertThat(read.found()).isFalse();
    }

    @Test
    void failureStatusesAreTheEnginesEmrExceptions() {
        emr.whenAnyExchangeReceived(answer(422, "{\"error\":\"PHI may be here\"}"));
        Exchange refused = call("find-patient", new FindPatient("1"));
        assertThat(refused.getException()).isInstanceOf(EmrPermanentException.class).hasMessageNotContaining("PHI");
        MockEndpoint.resetMocks(camel);
        emr.whenAnyExchangeReceived(answer(503, ""));
        Exchange outage = call("find-patient", new FindPatient("1"));
        assertThat(outage.getException()).isInstanceOf(EmrRetryableException.class);
        assertThat(emr.getExchanges()).as("redelivered once in the route").hasSize(2);
    }
}
