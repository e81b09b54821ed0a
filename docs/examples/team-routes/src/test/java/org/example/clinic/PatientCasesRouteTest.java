package org.example.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrOperations.CreateEncounter;
import org.telenc.engine.emr.EmrOperations.EncounterCreated;
import org.telenc.engine.emr.EmrOperations.EncounterRead;
import org.telenc.engine.emr.EmrOperations.FindPatient;
import org.telenc.engine.emr.EmrOperations.Named;
import org.telenc.engine.emr.EmrOperations.PatientMatch;
import org.telenc.engine.emr.EmrOperations.ReadEncounter;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.teamkit.TeamRouteTestSupport;

/**
 * The team's adapter file (routes/patient-cases.camel.yaml) against the engine's operation
 * contract, on the engine's team test kit: Camel with the engine's generic adapter beans and its
 * shared call-retry file and REST transport template (from the engine's jar, classpath:routes/...), the transport's camel-http step
 * replaced by a mock that answers with canned JSON, an input record in and the result record out.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = TeamRouteTestSupport.Beans.class, properties = {
        "camel.main.routes-include-pattern=classpath:routes/_shared/emr-call-retries.camel.yaml,"
                + "classpath:routes/emr/rest-adapter.camel.yaml,file:routes/patient-cases.camel.yaml",
        "engine.emr.retry.attempts=1", "engine.emr.retry.delay-ms=5", "engine.emr.circuit.minimum-calls=1000"})
class PatientCasesRouteTest extends TeamRouteTestSupport {

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

    JsonNode sent(int i) throws Exception {
        return JSON.readTree(emr.getExchanges().get(i).getMessage().getBody(String.class));
    }

    @Test
    void findPatientSearchesByMrn() {
        emr.whenAnyExchangeReceived(answer(200, """
                {"patients": [{"patient_id": "101"}]}"""));
        PatientMatch match = result(call("find-patient", new FindPatient("100 234")), PatientMatch.class);
        assertThat(uri(0)).isEqualTo(BASE + "/195900/patients?mrn=100%20234");
        assertThat(match.patientIds()).containsExactly("101");
    }

    @Test
    void createEncounterCreatesACaseWithTheJobAsExternalId() throws Exception {
        CreateEncounter input = new CreateEncounter("job-1", "101", true, new Named("12241", "Dr A"), new Named("31", "Main"),
                "Refill", null);
        emr.whenExchangeReceived(1, answer(200, """
                {"cases": []}"""));
        emr.whenExchangeReceived(2, answer(201, """
                {"case_id": "case-9"}"""));
        assertThat(result(call("create-encounter", input), EncounterCreated.class).encounterId()).isEqualTo("case-9");
        assertThat(uri(0)).isEqualTo(BASE + "/195900/patients/101/cases?external_id=job-1");
        assertThat(sent(1).path("external_id").asText()).isEqualTo("job-1");
        assertThat(sent(1).path("provider_id").asText()).isEqualTo("12241");
    }

    @Test
    void readEncounterAnswersNotFoundFor404() {
        emr.whenAnyExchangeReceived(answer(404, "{}"));
        EncounterRead read = result(call("read-encounter", new ReadEncounter("case-x")), EncounterRead.class);
        assertThat(read.found()).isFalse();
    }

    @Test
    void failureStatusesAreTheEnginesEmrExceptions() {
        emr.whenAnyExchangeReceived(answer(422, """
                {"error": "refused"}"""));
        assertThat(call("find-patient", new FindPatient("1")).getException()).isInstanceOf(EmrPermanentException.class);
        MockEndpoint.resetMocks(camel);
        emr.whenAnyExchangeReceived(answer(503, ""));
        assertThat(call("find-patient", new FindPatient("1")).getException()).isInstanceOf(EmrRetryableException.class);
        assertThat(emr.getExchanges()).as("redelivered once in the route").hasSize(2);
    }
}
