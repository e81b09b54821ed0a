package org.telenc.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.tenancy.TenancyRepository;
import org.telenc.engine.support.Json;

/** Every error of docs/api.md "Authentication" and "Errors, in the order they are checked", over real HTTP, with its status, code and message. */
class TelephoneEncounterErrorsTest extends EngineTest {

    static final String VALID = """
            {"patient_mrn":"100234","provider_id":"12241","location_id":"31","assigned_to_id":"12220"}""";

    @Autowired
    TenancyRepository tenancy;
    @Autowired
    JdbcTemplate jdbc;

    static boolean tenantsReady;

    @BeforeEach
    void extraTenants() {
        if (tenantsReady) {
            return;
        }
        String demoClient = tenancy.findClient(CLIENT_ID).orElseThrow().id();
        String sandbox = tenancy.findConnectionIdByName("sandbox").orElseThrow();
        String other = Secrets.newId();
        tenancy.insertClient(other, "other-client", Secrets.sha256Hex("other-secret"), "Other");
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex("other-client-token"), other, sandbox, "12222", "other");
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex("token-user-gone"), demoClient, sandbox, "no-such-user", "gone");
        String expired = Secrets.newId();
        tenancy.insertToken(expired, Secrets.sha256Hex("token-expired"), demoClient, sandbox, "12222", "expired");
        tenancy.setTokenStatus(expired, "expired");
        String athena = Secrets.newId();
        tenancy.insertConnection(athena, "athena-clinic", "athenahealth", "https://athena.invalid", null);
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex("token-athena"), demoClient, athena, "u1", "athena");
        jdbc.update("insert into emr_user(id, connection_id, ehr_id, name, status, synced_at) values (?,?,?,?, 'active', current_timestamp)",
                Secrets.newId(), athena, "u1", "Athena user");
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex("token-athena-user-gone"), demoClient, athena, "gone", "athena");
        // a type without an adapter never syncs: its user list stays empty
        String neverSynced = Secrets.newId();
        tenancy.insertConnection(neverSynced, "never-synced-clinic", "athenahealth", "https://athena.invalid", null);
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex("token-never-synced"), demoClient, neverSynced, "u1", "athena");
        tenantsReady = true;
    }

    HttpResponse<String> postAs(String clientId, String secret, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/v1/telephone-encounters"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (clientId != null) {
            request.header("client_id", clientId);
        }
        if (secret != null) {
            request.header("client_secret", secret);
        }
        if (token != null) {
            request.header("access_token", token);
        }
        return send(request);
    }

    static void assertError(HttpResponse<String> response, int status, String code, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("error").asText()).isEqualTo(code);
        assertThat(body.path("message").asText()).isEqualTo(message);
        assertThat(response.headers().firstValue("client_secret")).isEmpty();
    }

    static Stream<Arguments> credentials() {
        String badClient = "invalid_client_credentials";
        String badToken = "invalid_access_token";
        return Stream.of(
                Arguments.of("client_id missing", null, "demo-secret", "demo-access-token", 401, badClient, "Invalid client credentials."),
                Arguments.of("client_id unknown", "nobody", "demo-secret", "demo-access-token", 401, badClient, "Invalid client credentials."),
                Arguments.of("client_secret wrong", "demo-client", "wrong", "demo-access-token", 401, badClient, "Invalid client credentials."),
                Arguments.of("client_secret missing", "demo-client", null, "demo-access-token", 401, badClient, "Invalid client credentials."),
                Arguments.of("access_token missing", "demo-client", "demo-secret", null, 401, badToken, "Invalid access token."),
                Arguments.of("access_token unknown", "demo-client", "demo-secret", "nope", 401, badToken, "Invalid access token."),
                Arguments.of("access_token of another client", "demo-client", "demo-secret", "other-client-token", 401, badToken, "Invalid access token."),
                Arguments.of("EMR link expired", "demo-client", "demo-secret", "token-expired", 403, "login_required",
                        "Account link expired. Please go through the integration setup again."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("credentials")
    void credentialsAreCheckedFirst(String name, String clientId, String secret, String token, int status, String code,
            String message) throws Exception {
        // an invalid body too: credentials answer first
        assertError(postAs(clientId, secret, token, "[]"), status, code, message);
    }

    static Stream<Arguments> bodies() {
        String r51 = "理".repeat(51);
        return Stream.of(
                Arguments.of("malformed JSON", "{\"patient_mrn\": ", 400, "invalid_json", "Request body must be a JSON object."),
                Arguments.of("empty body", "", 400, "invalid_json", "Request body must be a JSON object."),
                Arguments.of("array", "[" + VALID + "]", 400, "invalid_json", "Request body must be a JSON object."),
                Arguments.of("scalar", "\"text\"", 400, "invalid_json", "Request body must be a JSON object."),
                Arguments.of("duplicate key", "{\"patient_mrn\":\"1\",\"patient_mrn\":\"2\"}", 400, "invalid_json", "Request body must be a JSON object."),
                Arguments.of("patient_mrn missing", "{\"provider_id\":\"12241\"}", 400, "missing_required_field", "Missing required field: patient_mrn"),
                Arguments.of("provider_id null", "{\"patient_mrn\":\"1\",\"provider_id\":null}", 400, "missing_required_field", "Missing required field: provider_id"),
                Arguments.of("location_id blank", "{\"patient_mrn\":\"1\",\"provider_id\":\"2\",\"location_id\":\"  \"}", 400, "missing_required_field", "Missing required field: location_id"),
                Arguments.of("assigned_to_id missing, reason wrong type", "{\"patient_mrn\":\"1\",\"provider_id\":\"2\",\"location_id\":\"3\",\"reason\":5}", 400, "missing_required_field", "Missing required field: assigned_to_id"),
                Arguments.of("reason a number", with("reason", 5), 400, "invalid_field_type", "Invalid field type: reason must be a string."),
                Arguments.of("provider_id a float", "{\"patient_mrn\":\"1\",\"provider_id\":12.5,\"location_id\":\"3\",\"assigned_to_id\":\"4\"}", 400, "invalid_field_type", "Invalid field type: provider_id must be a string or an integer."),
                Arguments.of("is_high_priority a number", with("is_high_priority", 1), 400, "invalid_field_type", "Invalid field type: is_high_priority must be a string or a boolean."),
                Arguments.of("reason 51 code points (CJK)", with("reason", r51), 400, "reason_too_long", "Reason must be 50 characters or less."),
                Arguments.of("medication 1 character", with("refill_medication_name", "A"), 400, "medication_name_invalid_length", "Medication name must be between 2 and 50 characters."),
                Arguments.of("medication 51 characters", with("refill_medication_name", "m".repeat(51)), 400, "medication_name_invalid_length", "Medication name must be between 2 and 50 characters."),
                Arguments.of("caller 101", with("caller", "c".repeat(101)), 400, "caller_too_long", "Caller must be 100 characters or less."),
                Arguments.of("message 10001", with("message", "m".repeat(10001)), 400, "message_too_long", "Message must be 10000 characters or less."),
                Arguments.of("template 101", with("template_name", "t".repeat(101)), 400, "template_name_too_long", "Template name must be 100 characters or less."),
                Arguments.of("is_high_priority yes", with("is_high_priority", "yes"), 400, "invalid_is_high_priority", "is_high_priority must be \"true\" or \"false\"."),
                Arguments.of("provider unknown", with("provider_id", "99999"), 404, "provider_not_found", "Provider not found: provider_id 99999 does not exist in the providers table. Sync providers using GET /v1/providers."),
                Arguments.of("provider inactive", with("provider_id", "12243"), 404, "provider_not_found", "Provider not found: provider_id 12243 does not exist in the providers table. Sync providers using GET /v1/providers."),
                Arguments.of("staff unknown", with("assigned_to_id", 12299), 404, "staff_member_not_found", "Staff member not found: assigned_to_id 12299 does not exist in the staff list. Sync staff using GET /v1/staff."),
                Arguments.of("location unknown", with("location_id", "25"), 404, "location_not_found", "Location not found: location_id 25 does not exist in the locations table. Call GET /v1/locations to resolve this error."),
                Arguments.of("location inactive", with("location_id", "33"), 404, "location_not_found", "Location not found: location_id 33 does not exist in the locations table. Call GET /v1/locations to resolve this error."),
                Arguments.of("pharmacy unknown", with("pharmacy_ehr_id", "12345"), 404, "pharmacy_not_found", "Pharmacy not found: pharmacy_ehr_id 12345 does not exist in your organization's pharmacy list. Call GET /v1/pharmacies to see available pharmacies."));
    }

    static String with(String field, Object value) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(VALID);
            node.set(field, JSON.valueToTree(value));
            return node.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void bodyErrors(String name, String body, int status, String code, String message) throws Exception {
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, body), status, code, message);
    }

    @Test
    void userNotFoundWhenTheTokensEmrUserIsNotInTheUserList() throws Exception {
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, "token-user-gone", VALID), 404, "user_not_found", "User not found.");
    }

    @Test
    void unsupportedEmrWhenTheConnectionTypeHasNoAdapter() throws Exception {
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, "token-athena", VALID), 400, "unsupported_emr",
                "Telephone encounters are not supported for this EMR.");
    }

    @Test
    void unsupportedEmrWhateverTheUserListOfATypeWithoutAdapterHolds() throws Exception {
        // never synced (no user list at all), or a user the list does not hold: the type answers first
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, "token-never-synced", VALID), 400, "unsupported_emr",
                "Telephone encounters are not supported for this EMR.");
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, "token-athena-user-gone", VALID), 400, "unsupported_emr",
                "Telephone encounters are not supported for this EMR.");
        // checks 2-10 still come first
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, "token-never-synced", "[]"), 400, "invalid_json",
                "Request body must be a JSON object.");
    }

    @Test
    void fiftyCodePointReasonInANonLatinScriptIsAccepted() throws Exception {
        String reason = "𝛑".repeat(50); // 50 code points, 100 UTF-16 units
        HttpResponse<String> response = postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, with("reason", reason));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void integerIdsAndBooleanPriorityAreAccepted() throws Exception {
        String body = "{\"patient_mrn\":100234,\"provider_id\":12241,\"location_id\":31,\"assigned_to_id\":12220,\"is_high_priority\":true}";
        HttpResponse<String> response = postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("telephone_encounter_id").asText()).matches("[0-9a-f]{32}");
        assertThat(answer.path("job_id").isTextual()).isTrue();
    }

    @Test
    void everyViolationIsListedInContractOrder() throws Exception {
        String body = Json.object("patient_mrn", "1", "provider_id", "2", "location_id", "3", "assigned_to_id", "4",
                "is_high_priority", "maybe", "caller", "c".repeat(101), "reason", "r".repeat(51));
        JsonNode answer = JSON.readTree(postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, body).body());
        assertThat(answer.path("error").asText()).isEqualTo("reason_too_long");
        assertThat(answer.path("errors").findValuesAsText("error"))
                .containsExactly("reason_too_long", "caller_too_long", "invalid_is_high_priority");
    }

    @Test
    void transportErrorsHaveTheContractShape() throws Exception {
        HttpResponse<String> tooLarge = postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, Json.object("message", "x".repeat(70_000)));
        assertError(tooLarge, 413, "payload_too_large", "Request body must be 64 KB or less.");
        HttpResponse<String> form = send(HttpRequest.newBuilder(uri("/v1/telephone-encounters"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("client_id", CLIENT_ID)
                .POST(HttpRequest.BodyPublishers.ofString("a=b")));
        assertError(form, 415, "unsupported_media_type", "Content-Type must be application/json.");
        HttpResponse<String> unknown = get("/v1/nothing-here");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("error").asText()).isEqualTo("not_found");
        HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(uri("/v1/telephone-encounters"))
                .method("PUT", HttpRequest.BodyPublishers.noBody()));
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(wrongMethod.body()).path("error").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void rejectedRequestsStoreNothing() throws Exception {
        Integer before = jdbc.queryForObject("select count(*) from telephone_encounter", Integer.class);
        postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, with("provider_id", "99999"));
        postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, with("reason", "r".repeat(60)));
        assertThat(jdbc.queryForObject("select count(*) from telephone_encounter", Integer.class)).isEqualTo(before);
    }
}
