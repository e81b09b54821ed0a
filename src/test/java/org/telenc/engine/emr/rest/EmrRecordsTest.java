package org.telenc.engine.emr.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telenc.engine.emr.EmrNotFoundException;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrOperations;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.emr.ReferenceRecords;
import org.telenc.engine.emr.auth.EmrAuthSettings;

/** The field lists of the emr.rest beans: answers into result records, inputs into calls, statuses into exceptions. */
class EmrRecordsTest {

    final EmrRecords records = new EmrRecords();
    final EmrRest rest = new EmrRest();
    final EmrConnection connection = new EmrConnection("c-1", "patient-cases", "https://emr.test/api/",
            EmrConnection.FhirSettings.defaults(), EmrAuthSettings.none(), "active", Map.of("practice_id", "195900"));

    @Test
    void answersBecomeResultRecordsByName() {
        assertThat(records.result("PatientMatch", "patientIds=$.patients[*].patient_id",
                "{\"patients\":[{\"patient_id\":\"1\"},{\"patient_id\":\"2\"}]}"))
                .isEqualTo(new EmrOperations.PatientMatch(List.of("1", "2")));
        assertThat(records.result("PatientMatch", "patientIds=$.patients[*].patient_id", "{\"patients\":[]}"))
                .isEqualTo(new EmrOperations.PatientMatch(List.of()));
        assertThat(records.result("EncounterCreated", "encounterId=$.cases[0].case_id", "{\"cases\":[]}"))
                .isEqualTo(new EmrOperations.EncounterCreated(null));
        assertThat(records.result("RefillAdded", "", "{\"refill_request_id\":\"r\"}")).isEqualTo(new EmrOperations.RefillAdded());
        assertThat(records.result("EncounterRead", "found=@true subject=$.patient_id", "{\"patient_id\":\"101\"}"))
                .isEqualTo(EmrOperations.EncounterRead.found("101"));
        assertThat(records.resultList("RefillableMedications", "medications", "$.medications", "orderId=$.medication_id name=$.name",
                "{\"medications\":[{\"medication_id\":\"m-1\",\"name\":\"A\"}]}"))
                .isEqualTo(new EmrOperations.RefillableMedications(List.of(new EmrOperations.RefillableMedication("m-1", "A"))));
    }

    /**
     * The team-folder checks ({@code --engine.routes.check}) refuse exactly the mappings this bean
     * refuse when a job runs (their field lists, their list paths): what the check accepts runs, what
     * it refuses fails.
     */
    @Test
    void theChecksRefuseExactlyTheMappingsTheBeansRefuse() {
        String answer = "{\"cases\":[{\"case_id\":\"c-1\"}],\"patients\":[{\"patient_id\":\"p\"}]}";
        for (String fields : List.of("encounterId=$.cases[0].case_id", "encounterId=@c-9", "", "encounterId=$..case_id[0]",
                "encounterId=$.cases[?(@.case_id=='c-1')].case_id", "encounterId=cases.0.case_id", "encounterId=case_id",
                "encounterId", "=$.x", "encounterId=$.cases[0", "encounterId=$.cases[?(@.case_id==", "encounterId=$.a b")) {
            boolean accepted = org.telenc.engine.teamroutes.JsonPathMappings.fieldListProblems(fields).isEmpty();
            boolean runs;
            try {
                JsonFields.project(JsonFields.tree(EmrRecords.mapper(), answer), fields);
                runs = true;
            } catch (IllegalArgumentException e) {
                runs = false;
            }
            assertThat(accepted).as("checks accept '%s' (the bean %s)", fields, runs ? "runs it" : "refuses it").isEqualTo(runs);
        }
        for (String path : List.of("$.cases", "cases", "$.cases[0", "$..[?(@.x==", "$.cases[?(@.case_id=='c-1')]")) {
            boolean accepted = org.telenc.engine.teamroutes.JsonPathMappings.singlePathProblem(path, false).isEmpty();
            boolean runs;
            try {
                records.resultList("RefillableMedications", "medications", path, "orderId=$.case_id", answer);
                runs = true;
            } catch (IllegalArgumentException e) {
                runs = false;
            }
            assertThat(accepted).as("checks accept the path '%s' (the bean %s)", path, runs ? "runs it" : "refuses it").isEqualTo(runs);
        }
    }

    @Test
    void mappingsAreJsonPathExpressions() {
        String answer = """
                {"medications":[{"medication_id":"m-1","name":"A","status":"stopped"},
                                {"medication_id":"m-2","name":"B","status":"active"}]}
                """;
        assertThat(records.resultList("RefillableMedications", "medications", "$.medications[?(@.status=='active')]",
                "orderId=$.medication_id name=$.name", answer))
                .isEqualTo(new EmrOperations.RefillableMedications(List.of(new EmrOperations.RefillableMedication("m-2", "B"))));
        assertThat(records.result("EncounterCreated", "encounterId=$.medications[-1].medication_id", answer))
                .isEqualTo(new EmrOperations.EncounterCreated("m-2"));
        assertThatThrownBy(() -> records.result("EncounterCreated", "encounterId=cases.0.case_id", answer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JsonPath");
        assertThatThrownBy(() -> records.result("EncounterCreated", "encounterId=$.cases[0", answer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("m-1");
    }

    @Test
    void referenceListsBecomeASnapshot() {
        Map<String, List<JsonNode>> pull = records.startReferences();
        records.collect("providers", "$.providers", "ehrId=$.provider_id name=$.name npi=$.npi status=@active",
                "{\"providers\":[{\"provider_id\":\"1\",\"name\":\"Dr A\",\"npi\":\"123\"}]}", pull);
        records.collect("locations", "$.departments", "ehrId=$.department_id name=$.name address.city=$.city status=@active",
                "{\"departments\":[{\"department_id\":\"31\",\"name\":\"Main\",\"city\":\"Springfield\"}]}", pull);
        records.collect("pharmacies", "$.pharmacies", "ehrId=$.pharmacy_id name=$.name address=$.address status=@active",
                "{\"pharmacies\":[{\"pharmacy_id\":\"PH-1\",\"name\":\"CVS\",\"address\":\"2 Oak\"}]}", pull);
        ReferenceRecords.Snapshot snapshot = records.references(pull);
        assertThat(snapshot.providers()).containsExactly(new ReferenceRecords.Provider(null, "1", "Dr A", "123", null, "active"));
        assertThat(snapshot.locations().get(0).address().city()).isEqualTo("Springfield");
        assertThat(snapshot.pharmacies().get(0).ehrId()).isEqualTo("PH-1");
        assertThat(snapshot.staff()).isEmpty();
        assertThat(snapshot.users()).isEmpty();
    }

    @Test
    void callsTakeTheirPathAndBodyFromTheInputAndTheConnection() {
        EmrOperations.CreateEncounter input = new EmrOperations.CreateEncounter("job 1", "101", true,
                new EmrOperations.Named("12241", "Dr A"), new EmrOperations.Named("31", "Main"), "Refill", null);
        EmrRestCall call = rest.keyedCall("create-case", "POST", "/{practice_id}/patients/{patientId}/cases?x={jobKey}",
                "external_id=$.jobKey provider_id=$.provider.ehrId priority_high=$.highPriority template=$.templateName", "jobKey",
                input, connection);
        assertThat(call.url()).isEqualTo("https://emr.test/api/195900/patients/101/cases?x=job%201");
        assertThat(call.body()).isEqualTo("{\"external_id\":\"job 1\",\"provider_id\":\"12241\",\"priority_high\":true}");
        assertThat(call.idempotencyKey()).isEqualTo("job 1");
        assertThat(call.toString()).doesNotContain("101").doesNotContain("Refill");
        assertThatThrownBy(() -> rest.call("x", "GET", "/{nothing}", "", input, connection))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statusesBecomeTheEnginesEmrExceptions() {
        EmrRestCall call = new EmrRestCall("find-patient", "GET", "https://emr.test/api", null, null);
        assertThat(rest.check(200, call, "{}")).isEqualTo("{}");
        assertThatThrownBy(() -> rest.check(503, call, "secret")).isInstanceOf(EmrRetryableException.class)
                .hasMessage("EMR call find-patient answered HTTP 503");
        assertThatThrownBy(() -> rest.check(429, call, "")).isInstanceOf(EmrRetryableException.class);
        assertThatThrownBy(() -> rest.check(401, call, "")).isInstanceOf(EmrPermanentException.class)
                .satisfies(e -> assertThat(((EmrPermanentException) e).reasonCode()).isEqualTo("login_required"));
        assertThatThrownBy(() -> rest.check(404, call, "")).isInstanceOf(EmrNotFoundException.class);
        assertThatThrownBy(() -> rest.check(422, call, "PHI here")).isInstanceOf(EmrPermanentException.class)
                .satisfies(e -> assertThat(((EmrPermanentException) e).reasonCode()).isEqualTo("emr_rejected"))
                .hasMessageNotContaining("PHI");
    }
}
