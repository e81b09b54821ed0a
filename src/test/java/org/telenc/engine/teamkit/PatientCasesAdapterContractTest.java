package org.telenc.engine.teamkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.apache.camel.EndpointInject;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.support.EmrAdapterContract;

/**
 * The example YAML adapter (routes/examples/patient-cases-emr), whose transport is only the
 * template emr-rest-call, keeps the adapter contract the FHIR adapter keeps
 * ({@link EmrAdapterContract}; FhirAdapterContractTest runs the same tests on the FHIR adapter).
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = TeamRouteTestSupport.Beans.class, properties = {
        "camel.main.routes-include-pattern=file:routes/_shared/emr-call-retries.camel.yaml,"
                + "file:routes/emr/rest-adapter.camel.yaml,file:routes/examples/patient-cases-emr/patient-cases.camel.yaml",
        "engine.emr.retry.attempts=1", "engine.emr.retry.delay-ms=5", "engine.emr.circuit.minimum-calls=1000"})
class PatientCasesAdapterContractTest extends EmrAdapterContract {

    static final EmrConnection CONNECTION = new EmrConnection("conn-contract", "patient-cases", "https://emr.test/api",
            EmrConnection.FhirSettings.defaults(), EmrAuthSettings.bearer("stored-token"), "active", Map.of("practice_id", "195900"));
    static final ObjectMapper JSON = new ObjectMapper();

    @EndpointInject("mock:emr")
    MockEndpoint emr;

    @Override
    protected String emrType() {
        return "patient-cases";
    }

    @Override
    protected EmrConnection connection() {
        return CONNECTION;
    }

    @Override
    protected MockEndpoint emr() {
        return emr;
    }

    @Override
    protected void weave() throws Exception {
        replaceHttp("emr-rest-http", "emr-rest-http-call", "mock:emr");
    }

    @Override
    protected String patientSearchAnswer(List<String> patientIds) {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode patients = answer.putArray("patients");
        patientIds.forEach(id -> patients.addObject().put("patient_id", id));
        return answer.toString();
    }

    @Override
    protected String encounterAnswer(String patientId) {
        return JSON.createObjectNode().put("case_id", "enc-1").put("patient_id", patientId).toString();
    }
}
