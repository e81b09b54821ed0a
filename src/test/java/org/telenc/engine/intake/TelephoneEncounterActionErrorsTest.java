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
import java.util.List;

/**
 * Every error of POST /v1/telephone-encounters/actions over real HTTP, with its status, code and
 * message, in the order of its checks; no error echoes the text, and a rejected action stores nothing.
 */
class TelephoneEncounterActionErrorsTest extends EngineTest {

    static final String PATH = "/v1/telephone-encounters/actions";
    /** Marks the text in every body: no error may echo it. */
    static final String TEXT = "Secret note ACTION-TEXT-7f3a";
    static final String VALID = Json.object("emr_appointment_id", "enc-1", "text", TEXT);

    @Autowired
    TenancyRepository tenancy;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void extraTenants() {
        if (tenancy.findClient("action-other-client").isPresent()) {
            return; // the database lives as long as the test JVM's Spring context
        }
        String demoClient = tenancy.findClient(CLIENT_ID).orElseThrow().id();
        String sandbox = tenancy.findConnectionIdByName("sandbox").orElseThrow();
        String other = Secrets.newId();
        tenancy.insertClient(other, "action-other-client", Secrets.sha256Hex("other-secret"), "Other");
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex("action-other-client-token"), other, sandbox, "12222", "other");
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex("action-token-user-gone"), demoClient, sandbox, "no-such-user", "gone");
        String expired = Secrets.newId();
        tenancy.insertToken(expired, Secrets.sha256Hex("action-token-expired"), demoClient, sandbox, "12222", "expired");
        tenancy.setTokenStatus(expired, "expired");
        String athena = Secrets.newId();
        tenancy.insertConnection(athena, "action-athena-clinic", "athenahealth", "https://athena.invalid", null);
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex("action-token-athena"), demoClient, athena, "u1", "athena");
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex("action-token-athena-user-gone"), demoClient, athena, "gone", "athena");
        jdbc.update("insert into emr_user(id, connection_id, ehr_id, name, status, synced_at) values (?,?,?,?, 'active', current_timestamp)",
                Secrets.newId(), athena, "u1", "Athena user");
        String neverSynced = Secrets.newId();
        tenancy.insertConnection(neverSynced, "action-never-synced-clinic", "athenahealth", "https://athena.invalid", null);
        tenancy.insertToken(Secrets.newId(), Secrets.sha256Hex("action-token-never-synced"), demoClient, neverSynced, "u1", "athena");
    }

    HttpResponse<String> postAs(String clientId, String secret, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(PATH))
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
        assertThat(response.body()).doesNotContain("ACTION-TEXT");
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
                Arguments.of("access_token of another client", "demo-client", "demo-secret", "action-other-client-token", 401, badToken, "Invalid access token."),
                Arguments.of("EMR link expired", "demo-client", "demo-secret", "action-token-expired", 403, "login_required",
                        "Account link expired. Please go through the integration setup again."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("credentials")
    void credentialsAreCheckedFirst(String name, String clientId, String secret, String token, int status, String code,
            String message) throws Exception {
        // an invalid body too: credentials answer first
        assertError(postAs(clientId, secret, token, Json.text(List.of(TEXT))), status, code, message);
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

    static String without(String field) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(VALID);
            node.remove(field);
            return node.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> bodies() {
        String badJson = "Request body must be a JSON object.";
        String missingId = "Missing required field: emr_appointment_id";
        String missingText = "Missing required field: text";
        String tooLong = "Text must be 10000 characters or less.";
        String badFlag = "is_high_priority must be \"true\" or \"false\".";
        String longText = TEXT + "x".repeat(10001 - TEXT.length());
        String longEmoji = TEXT + "😀".repeat(10001 - TEXT.length());
        return Stream.of(
                Arguments.of("malformed JSON", """
                        {"text": "%s""".formatted(TEXT), 400, "invalid_json", badJson),
                Arguments.of("empty body", "", 400, "invalid_json", badJson),
                Arguments.of("array", Json.text(List.of(Json.tree(VALID))), 400, "invalid_json", badJson),
                Arguments.of("scalar", Json.text(TEXT), 400, "invalid_json", badJson),
                Arguments.of("duplicate key", """
                        {"text":"%s","text":"2"}""".formatted(TEXT), 400, "invalid_json", badJson),
                Arguments.of("trailing content", "%s {}".formatted(VALID), 400, "invalid_json", badJson),
                Arguments.of("emr_appointment_id missing", without("emr_appointment_id"), 400, "missing_required_field", missingId),
                Arguments.of("emr_appointment_id null", with("emr_appointment_id", null), 400, "missing_required_field", missingId),
                Arguments.of("emr_appointment_id blank", with("emr_appointment_id", " \t"), 400, "missing_required_field", missingId),
                Arguments.of("both missing", "{\"is_high_priority\":\"true\"}", 400, "missing_required_field", missingId),
                Arguments.of("text missing", without("text"), 400, "missing_required_field", missingText),
                Arguments.of("text null", with("text", null), 400, "missing_required_field", missingText),
                Arguments.of("text blank", with("text", "   "), 400, "missing_required_field", missingText),
                Arguments.of("text missing, emr_appointment_id wrong type", "{\"emr_appointment_id\":1.5,\"is_high_priority\":\"x\"}",
                        400, "missing_required_field", missingText),
                Arguments.of("emr_appointment_id a float", with("emr_appointment_id", 12.5), 400, "invalid_field_type",
                        "Invalid field type: emr_appointment_id must be a string or an integer."),
                Arguments.of("emr_appointment_id a boolean", with("emr_appointment_id", true), 400, "invalid_field_type",
                        "Invalid field type: emr_appointment_id must be a string or an integer."),
                Arguments.of("text a number", with("text", 5), 400, "invalid_field_type", "Invalid field type: text must be a string."),
                Arguments.of("text an object", Json.object("emr_appointment_id", "e", "text", Json.node("t", TEXT)), 400,
                        "invalid_field_type", "Invalid field type: text must be a string."),
                Arguments.of("is_high_priority a number", with("is_high_priority", 1), 400, "invalid_field_type",
                        "Invalid field type: is_high_priority must be a string or a boolean."),
                Arguments.of("type error before length", Json.object("emr_appointment_id", "e", "text", longText,
                        "is_high_priority", List.of()), 400, "invalid_field_type",
                        "Invalid field type: is_high_priority must be a string or a boolean."),
                Arguments.of("text 10001 characters", with("text", longText), 400, "text_too_long", tooLong),
                Arguments.of("text 10001 code points (emoji)", with("text", longEmoji), 400, "text_too_long", tooLong),
                Arguments.of("length before priority", Json.object("emr_appointment_id", "e", "text", longText,
                        "is_high_priority", "maybe"), 400, "text_too_long", tooLong),
                Arguments.of("is_high_priority yes", with("is_high_priority", "yes"), 400, "invalid_is_high_priority", badFlag),
                Arguments.of("is_high_priority TRUE", with("is_high_priority", "TRUE"), 400, "invalid_is_high_priority", badFlag),
                Arguments.of("is_high_priority the text", with("is_high_priority", TEXT), 400, "invalid_is_high_priority", badFlag));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void bodyErrors(String name, String body, int status, String code, String message) throws Exception {
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, body), status, code, message);
    }

    @Test
    void userNotFoundAfterValidation() throws Exception {
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, "action-token-user-gone", VALID), 404, "user_not_found", "User not found.");
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, "action-token-user-gone", without("text")), 400, "missing_required_field",
                "Missing required field: text");
    }

    @Test
    void unsupportedEmrWhateverTheUserListOfATypeWithoutAdapterHolds() throws Exception {
        // a type without an adapter never syncs: no user list, or a user it does not hold
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, "action-token-never-synced", VALID), 400, "unsupported_emr",
                "Telephone encounters are not supported for this EMR.");
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, "action-token-athena-user-gone", VALID), 400, "unsupported_emr",
                "Telephone encounters are not supported for this EMR.");
    }

    @Test
    void unsupportedEmrWhenTheConnectionTypeHasNoAdapter() throws Exception {
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, "action-token-athena", VALID), 400, "unsupported_emr",
                "Telephone encounters are not supported for this EMR.");
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, "action-token-athena", with("is_high_priority", "maybe")), 400,
                "invalid_is_high_priority", "is_high_priority must be \"true\" or \"false\".");
    }

    @Test
    void everyViolationIsListedInOrder() throws Exception {
        String body = Json.object("emr_appointment_id", "e", "text", TEXT + "x".repeat(10001), "is_high_priority", "maybe");
        HttpResponse<String> response = postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, body);
        assertError(response, 400, "text_too_long", "Text must be 10000 characters or less.");
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("errors").findValuesAsText("field")).containsExactly("text", "is_high_priority");
        assertThat(answer.path("errors").findValuesAsText("error")).containsExactly("text_too_long", "invalid_is_high_priority");
    }

    @Test
    void integerIdsBooleanPriorityAndTenThousandCodePointsAreAccepted() throws Exception {
        HttpResponse<String> integerId = postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN,
                "{\"emr_appointment_id\":12345678901234567890,\"text\":\"note\"}");
        assertThat(integerId.statusCode()).as(integerId.body()).isEqualTo(200);
        assertThat(jdbc.queryForObject("select emr_appointment_id from telephone_encounter_action where id = ?", String.class,
                JSON.readTree(integerId.body()).path("action_id").asText())).isEqualTo("12345678901234567890");
        for (String body : new String[] {
                "{\"emr_appointment_id\":424242,\"text\":\"note\",\"is_high_priority\":true}",
                "{\"emr_appointment_id\":\"enc-1\",\"text\":\"note\",\"is_high_priority\":false}",
                "{\"emr_appointment_id\":\"enc-1\",\"text\":\"note\",\"is_high_priority\":null}",
                with("text", "𝛑".repeat(10000))}) {
            HttpResponse<String> response = postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, body);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(response.body());
            assertThat(answer.path("action_id").asText()).matches("[0-9a-f]{32}");
            assertThat(answer.path("job_id").isTextual()).isTrue();
        }
    }

    @Test
    void transportErrorsHaveTheContractShape() throws Exception {
        assertError(postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, with("text", TEXT + "x".repeat(70_000))), 413,
                "payload_too_large", "Request body must be 64 KB or less.");
        HttpResponse<String> form = send(HttpRequest.newBuilder(uri(PATH))
                .header("Content-Type", "text/plain").header("client_id", CLIENT_ID)
                .POST(HttpRequest.BodyPublishers.ofString(VALID)));
        assertError(form, 415, "unsupported_media_type", "Content-Type must be application/json.");
        HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(uri(PATH)).method("PUT", HttpRequest.BodyPublishers.noBody()));
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
    }

    @Test
    void rejectedActionsStoreNothing() throws Exception {
        Integer before = jdbc.queryForObject("select count(*) from telephone_encounter_action", Integer.class);
        for (Arguments row : bodies().toList()) {
            postAs(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, (String) row.get()[1]);
        }
        postAs(CLIENT_ID, CLIENT_SECRET, "action-token-user-gone", VALID);
        postAs(CLIENT_ID, CLIENT_SECRET, "action-token-athena", VALID);
        postAs(CLIENT_ID, CLIENT_SECRET, "action-token-expired", VALID);
        assertThat(jdbc.queryForObject("select count(*) from telephone_encounter_action", Integer.class)).isEqualTo(before);
    }
}
