package org.telenc.engine.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;
import org.telenc.engine.admin.AdminBodies.ClientCreated;
import org.telenc.engine.admin.AdminBodies.ClientView;
import org.telenc.engine.admin.AdminBodies.ConnectionAnswer;
import org.telenc.engine.admin.AdminBodies.ConnectionView;
import org.telenc.engine.admin.AdminBodies.CreateClient;
import org.telenc.engine.admin.AdminBodies.IssueToken;
import org.telenc.engine.admin.AdminBodies.TokenView;
import org.telenc.engine.admin.AdminBodies.Tokens;
import org.telenc.engine.admin.AdminBodies.UpdateConnection;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.support.Json;

/**
 * The admin API's bodies are records bound by Jackson; on the wire they are byte for byte what the
 * hand-built {@code ObjectNode} answers were (same fields, same order, nulls written), and a
 * request's fields bind by the rules the hand-walked requests had.
 */
class AdminBodiesTest {

    static final ObjectMapper JSON = Jackson2ObjectMapperBuilder.json().build();

    @Test
    void answersAreByteForByteTheHandBuiltOnes() throws Exception {
        ClientView client = new ClientView("acme", null, "active", "2026-01-02T03:04:05Z");
        ObjectNode handClient = JSON.createObjectNode().put("client_id", "acme").put("name", (String) null).put("status", "active")
                .put("created_at", "2026-01-02T03:04:05Z");
        ObjectNode handCreated = JSON.createObjectNode().put("success", true);
        handCreated.set("client", handClient);
        handCreated.put("client_secret", "s3cr3t");
        assertThat(JSON.writeValueAsString(new ClientCreated(true, client, "s3cr3t"))).isEqualTo(handCreated.toString());

        JsonNode settings = JSON.readTree("{\"timezone\":\"America/New_York\",\"n\":1}");
        ConnectionView connection = new ConnectionView("c1", "clinic", "fhir-r4", "embedded:sandbox", "active", "bearer", null,
                true, null, settings);
        ObjectNode handConnection = JSON.createObjectNode().put("id", "c1").put("name", "clinic").put("emr_type", "fhir-r4")
                .put("base_url", "embedded:sandbox").put("status", "active").put("auth_type", "bearer")
                .put("telephone_encounters_supported", true);
        handConnection.put("last_synced_at", (String) null);
        handConnection.set("settings", settings);
        ObjectNode handAnswer = JSON.createObjectNode().put("success", true);
        handAnswer.set("connection", handConnection);
        assertThat(JSON.writeValueAsString(new ConnectionAnswer(true, connection))).isEqualTo(handAnswer.toString());

        TokenView token = new TokenView("t1", "c1", "12222", "acme-clinic", "active", null, "2026-01-02T03:04:05Z");
        ObjectNode handTokens = JSON.createObjectNode().put("success", true);
        handTokens.putArray("access_tokens").addObject().put("id", "t1").put("connection_id", "c1").put("emr_user_ehr_id", "12222")
                .put("access_token_reference_id", "acme-clinic").put("status", "active").put("expires_at", (String) null)
                .put("created_at", "2026-01-02T03:04:05Z");
        assertThat(JSON.writeValueAsString(new Tokens(true, List.of(token)))).isEqualTo(handTokens.toString());
    }

    @Test
    void textFieldsTakeStringsAndIntegersTrimmedAndEmptyIsAbsent() throws Exception {
        IssueToken token = JSON.treeToValue(JSON.readTree(
                "{\"connection\":\" clinic \",\"emr_user_ehr_id\":12222,\"access_token_reference_id\":\"\",\"other\":[1]}"),
                IssueToken.class);
        assertThat(token).isEqualTo(new IssueToken("clinic", "12222", null, null));
        assertThat(JSON.treeToValue(JSON.readTree("{\"client_id\":null}"), CreateClient.class))
                .isEqualTo(new CreateClient(null, null));
        for (String wrong : List.of("true", "1.5", "{}", "[\"a\"]")) {
            assertThatThrownBy(() -> JSON.treeToValue(JSON.readTree(Json.object("name", "x", "client_id", Json.tree(wrong))), CreateClient.class))
                    .satisfies(e -> assertThat(AdminBodies.apiException(e)).isNotNull()
                            .extracting(ApiException::getMessage).isEqualTo("Invalid request: client_id must be a string."));
        }
    }

    @Test
    void anAbsentSettingsOrAuthIsNullAndAnExplicitNullIsANullNode() throws Exception {
        UpdateConnection absent = JSON.treeToValue(JSON.readTree("{\"status\":\"active\"}"), UpdateConnection.class);
        assertThat(absent.settings()).isNull();
        assertThat(absent.auth()).isNull();
        assertThat(absent.tls()).isNull();
        UpdateConnection cleared = JSON.treeToValue(JSON.readTree("{\"settings\":null,\"auth\":null,\"tls\":null}"),
                UpdateConnection.class);
        assertThat(cleared.settings()).isEqualTo(NullNode.getInstance());
        assertThat(cleared.auth()).isEqualTo(NullNode.getInstance());
        assertThat(cleared.tls()).as("tls null removes the TLS part, absent keeps it").isEqualTo(NullNode.getInstance());
    }
}
