package org.telenc.engine.teamkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.encounter.RequestField;
import org.telenc.engine.encounter.TelephoneEncounterRequest;
import org.telenc.engine.extension.EmrRefusal;
import org.telenc.engine.extension.Extensions;
import org.telenc.engine.extension.MatchCandidates;
import org.telenc.engine.teamroutes.TeamRouteSwaps;
import org.telenc.engine.extension.Rejection;
import org.telenc.engine.tenancy.Caller;

/**
 * The test kit for a clinic's extension routes: the example team routes of
 * routes/examples/clinic-extensions on a Camel-only context (the idiom of the engine's own route
 * tests, see {@code DeliverRouteTest}) with the engine's real {@code extensions} bean, which both
 * the routes call (reject, set, map) and the engine runs them through. A team copies this class
 * for its own routes: the input is what the engine hands the point (a map of the fields by JSON
 * name; the connection in {@code emrConnection}), the output what the engine takes back (the map,
 * only its allowed fields changed, or a {@link Rejection}). The one step that leaves the engine
 * (the after-outcome route's queue send) is woven into a {@link MockEndpoint} by its id.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = ClinicExtensionsRouteTest.Beans.class, properties =
        "camel.main.routes-include-pattern=file:routes/examples/clinic-extensions/*.camel.yaml")
class ClinicExtensionsRouteTest {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CamelAutoConfiguration.class)
    @Import({Extensions.class, TeamRouteSwaps.class})
    static class Beans {

        @Bean
        ObjectMapper objectMapper() {
            return new ObjectMapper();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    static final Map<String, Object> CLINIC_A_SETTINGS = Map.of(
            "extensions", Map.of("accepting", "clinic-a-accepting", "before-emr", "clinic-a-before-emr",
                    "after-outcome", "clinic-a-after-outcome"),
            "template_map", Map.of("phone-call", "A-PHONE"),
            "provider_map", Map.of("12241", "12242"),
            "preferred_patient_ids", List.of("pat-0000", "pat-1005"),
            "preferred_order_ids", List.of("mr-1001-3"),
            "refusal_codes", Map.of("create-encounter 422", "patient_not_found"));
    static final EmrConnection CLINIC_A = new EmrConnection("conn-a", "fhir-r4", "http://emr.invalid/r4",
            EmrConnection.FhirSettings.defaults(), EmrAuthSettings.none(), "active", CLINIC_A_SETTINGS);
    static final Caller CALLER = new Caller("client-pk", "client", "token", "clinic-a", "conn-a", "fhir-r4", "12222");

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    Extensions extensions;
    @MockitoBean
    EmrConnections connections;
    @EndpointInject("mock:clinic-a-outcome-to-queue")
    MockEndpoint outcomes;

    @BeforeEach
    void weaveAndStart() throws Exception {
        if (camel.getStatus().isStarted()) {
            return;
        }
        AdviceWith.adviceWith(camel, "clinic-a-after-outcome",
                a -> a.weaveById("clinic-a-outcome-to-queue").replace().to("mock:clinic-a-outcome-to-queue"));
        camel.start();
    }

    /** What the engine hands an extension point: the fields as a map, the connection in emrConnection. */
    Object run(String endpoint, Map<String, Object> fields) {
        Exchange done = producer.send(endpoint, exchange -> {
            exchange.getIn().setBody(new LinkedHashMap<>(fields));
            exchange.setProperty("emrConnection", CLINIC_A);
        });
        assertThat(done.getException()).isNull();
        return done.getMessage().getBody();
    }

    static Map<String, Object> encounter(String reason, String template) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("patient_mrn", "100234");
        fields.put("provider_id", "12241");
        fields.put("location_id", "31");
        fields.put("assigned_to_id", "12220");
        if (reason != null) {
            fields.put("reason", reason);
        }
        if (template != null) {
            fields.put("template_name", template);
        }
        return fields;
    }

    @Test
    void acceptingRejectsAnEncounterWithoutAReasonAndGivesTheOthersATemplate() {
        assertThat(run("direct:clinic-a-accepting", encounter(null, null)))
                .isEqualTo(new Rejection("reason_required", "Clinic A needs a reason for every telephone encounter.", 422));
        assertThat(run("direct:clinic-a-accepting", encounter("Refill", null))).isEqualTo(encounter("Refill", "phone-call"));
        assertThat(run("direct:clinic-a-accepting", encounter("Refill", "own"))).isEqualTo(encounter("Refill", "own"));
        Map<String, Object> action = Map.of("emr_appointment_id", "enc-1", "text", "Called back");
        assertThat(run("direct:clinic-a-accepting", action)).as("an action passes unchanged").isEqualTo(action);
    }

    @Test
    void theEngineTakesTheAcceptingRoutesAnswerByItsContract() {
        when(connections.settingsOf("conn-a")).thenReturn(CLINIC_A_SETTINGS);
        when(connections.get("conn-a")).thenReturn(CLINIC_A);
        TelephoneEncounterRequest withoutReason = new TelephoneEncounterRequest(Map.of(RequestField.PATIENT_MRN, "100234",
                RequestField.PROVIDER_ID, "12241", RequestField.LOCATION_ID, "31", RequestField.ASSIGNED_TO_ID, "12220"), Map.of());

        ApiException refused = catchThrowableOfType(ApiException.class, () -> extensions.accepting(CALLER, withoutReason));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("reason_required");

        var withReason = withoutReason.withValues(Map.of("patient_mrn", "100234", "provider_id", "12241", "location_id", "31",
                "assigned_to_id", "12220", "reason", "Refill"));
        var accepted = (TelephoneEncounterRequest) extensions.accepting(CALLER, withReason);
        assertThat(accepted.getTemplateName()).isEqualTo("phone-call");
        assertThat(accepted.getPatientMrn()).isEqualTo("100234");
    }

    @Test
    void beforeEmrMapsTemplateAndProviderByTheClinicsTables() {
        assertThat(run("direct:clinic-a-before-emr", encounter("Refill", "phone-call")))
                .isEqualTo(Map.of("patient_mrn", "100234", "provider_id", "12242", "location_id", "31", "assigned_to_id", "12220",
                        "reason", "Refill", "template_name", "A-PHONE"));
        assertThat(run("direct:clinic-a-before-emr", encounter("Refill", "other")))
                .as("a value the tables do not hold stays").isEqualTo(Map.of("patient_mrn", "100234", "provider_id", "12242",
                        "location_id", "31", "assigned_to_id", "12220", "reason", "Refill", "template_name", "other"));
    }

    @Test
    void afterOutcomeSendsTheEventAsJsonToTheClinicsQueue() throws Exception {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", "evt_1");
        event.put("type", "telephone_encounter.created");
        event.put("job_id", "1001");
        event.put("data", Map.of("telephone_encounter_id", "te-1", "emr_appointment_id", "enc-1"));
        outcomes.expectedMessageCount(1);

        run("direct:clinic-a-after-outcome", event);

        outcomes.assertIsSatisfied();
        Object body = outcomes.getReceivedExchanges().get(0).getMessage().getBody();
        assertThat(body).isInstanceOf(String.class);
        assertThat(new ObjectMapper().readTree((String) body)).isEqualTo(new ObjectMapper().valueToTree(event));
    }

    /** What the engine hands after-match: the candidates' ids, as the engine's record binds them to a map. */
    static Map<String, Object> candidates(List<String> patients, List<String> orders) {
        return asMap(new MatchCandidates("te-1", "7", "clinic-a", patients, !orders.isEmpty(), orders));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object record) {
        return new ObjectMapper().convertValue(record, LinkedHashMap.class);
    }

    @Test
    void afterMatchChoosesTheClinicsPreferredCandidateAndNeverAddsOne() {
        assertThat(run("direct:clinic-a-after-match", candidates(List.of("pat-1004", "pat-1005"), List.of())))
                .isEqualTo(candidates(List.of("pat-1005"), List.of()));
        assertThat(run("direct:clinic-a-after-match", candidates(List.of("pat-1001"), List.of("mr-1001-3", "mr-1001-4"))))
                .isEqualTo(candidates(List.of("pat-1001"), List.of("mr-1001-3")));
        Map<String, Object> noneOfTheClinics = candidates(List.of("pat-1002", "pat-1003"), List.of("mr-1002-1", "mr-1002-2"));
        assertThat(run("direct:clinic-a-after-match", noneOfTheClinics)).as("no preferred id among them: unchanged")
                .isEqualTo(noneOfTheClinics);
    }

    @Test
    void emrRefusalClassifiesByTheClinicsTableOfStepAndStatus() {
        Map<String, Object> refused = asMap(new EmrRefusal("te-1", "7", "clinic-a", "create-encounter", 422,
                List.of("business-rule"), "emr_rejected"));
        Map<String, Object> classified = new LinkedHashMap<>(refused);
        classified.put("reason_code", "patient_not_found");
        assertThat(run("direct:clinic-a-emr-refusal", refused)).isEqualTo(classified);
        Map<String, Object> other = asMap(new EmrRefusal("te-1", "7", "clinic-a", "find-patient", 422, List.of(), "emr_rejected"));
        assertThat(run("direct:clinic-a-emr-refusal", other)).as("not in the table: the engine's code").isEqualTo(other);
    }
}
