package org.telenc.engine.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.camel.EndpointInject;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.support.EmrAdapterContract;

/**
 * The FHIR R4 adapter keeps the adapter contract ({@link EmrAdapterContract}); the example YAML
 * adapter on the REST transport template runs the same tests (PatientCasesAdapterContractTest).
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = FhirAdapterRouteTest.Beans.class, properties = {
        "camel.main.routes-include-pattern=file:routes/_shared/emr-call-retries.camel.yaml,file:routes/emr/fhir-r4.camel.yaml",
        "engine.emr.retry.attempts=1", "engine.emr.retry.delay-ms=5", "engine.emr.circuit.minimum-calls=1000"})
class FhirAdapterContractTest extends EmrAdapterContract {

    static final EmrConnection CONNECTION = new EmrConnection("conn-contract", "fhir-r4", "https://emr.test/fhir",
            EmrConnection.FhirSettings.defaults(), EmrAuthSettings.bearer("stored-token"), "active");
    static final ObjectMapper JSON = new ObjectMapper();

    @EndpointInject("mock:fhir-http")
    MockEndpoint emr;

    @Override
    protected String emrType() {
        return "fhir-r4";
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
        replaceHttp(routeId -> !FhirAdapterRouteTest.PULLS.contains(routeId), "fhir-r4-http", "fhir-http", "mock:fhir-http");
    }

    @Override
    protected String patientSearchAnswer(List<String> patientIds) {
        ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "searchset");
        ArrayNode entries = bundle.putArray("entry");
        patientIds.forEach(id -> {
            ObjectNode entry = entries.addObject();
            entry.putObject("resource").put("resourceType", "Patient").put("id", id);
            entry.putObject("search").put("mode", "match");
        });
        return bundle.toString();
    }

    @Override
    protected String encounterAnswer(String patientId) {
        ObjectNode encounter = JSON.createObjectNode().put("resourceType", "Encounter").put("id", "enc-1").put("status", "in-progress");
        encounter.putObject("subject").put("reference", "Patient/" + patientId);
        return encounter.toString();
    }
}
