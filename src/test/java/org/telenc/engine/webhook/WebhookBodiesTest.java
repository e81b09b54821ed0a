package org.telenc.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;
import org.telenc.engine.webhook.WebhookBodies.EventPage;
import org.telenc.engine.webhook.WebhookBodies.EventRow;
import org.telenc.engine.webhook.WebhookBodies.Listed;
import org.telenc.engine.webhook.WebhookBodies.NewSecret;
import org.telenc.engine.webhook.WebhookBodies.Pagination;
import org.telenc.engine.webhook.WebhookBodies.Register;
import org.telenc.engine.webhook.WebhookBodies.Registered;
import org.telenc.engine.webhook.WebhookBodies.Resent;
import org.telenc.engine.webhook.WebhookBodies.Rotated;
import org.telenc.engine.webhook.WebhookBodies.Url;

/**
 * The webhook API's bodies and the delivery queue's message are records bound by Jackson; on the
 * wire they are byte for byte what the hand-built {@code ObjectNode}s were, and a registration
 * binds by the rules the hand-walked one had.
 */
class WebhookBodiesTest {

    static final ObjectMapper JSON = Jackson2ObjectMapperBuilder.json().build();

    @Test
    void answersAndQueueMessagesAreByteForByteTheHandBuiltOnes() throws Exception {
        assertThat(JSON.writeValueAsString(new Registered(true, "w1", "https://h.example/x", "whsec_1")))
                .isEqualTo(JSON.createObjectNode().put("success", true).put("webhook_id", "w1").put("webhook_url", "https://h.example/x")
                        .put("webhook_secret", "whsec_1").toString());

        ObjectNode list = JSON.createObjectNode().put("success", true);
        list.putArray("webhook_urls").addObject().put("id", "w1").put("url", "https://h.example/x").put("signature_scheme", "cobalt")
                .put("status", "enabled");
        assertThat(JSON.writeValueAsString(new Listed(true, List.of(new Url("w1", "https://h.example/x", "cobalt", "enabled")))))
                .isEqualTo(list.toString());

        ObjectNode rotated = JSON.createObjectNode().put("success", true);
        rotated.putObject("webhook").put("id", "w1").put("secret", "whsec_2");
        assertThat(JSON.writeValueAsString(new Rotated(true, new NewSecret("w1", "whsec_2")))).isEqualTo(rotated.toString());

        assertThat(JSON.writeValueAsString(new Resent(true, "Webhook event queued for delivery.", "e1", 2)))
                .isEqualTo(JSON.createObjectNode().put("success", true).put("message", "Webhook event queued for delivery.")
                        .put("event_id", "e1").put("deliveries", 2).toString());

        JsonNode data = JSON.readTree("{\"telephone_encounter_id\":\"t1\",\"reasons\":[],\"n\":1.50}");
        ObjectNode page = JSON.createObjectNode().put("success", true);
        ObjectNode row = page.putArray("webhook_events").addObject();
        row.put("event_id", "e1").put("event_type", "telephone_encounter.created").put("webhook_url", (String) null)
                .put("delivery_status", "pending");
        row.set("data", data);
        row.put("created_at", "2026-01-02T03:04:05Z").put("job_id", "7").put("access_token_reference_id", (String) null);
        page.putObject("pagination").put("current_page", 1).put("total_pages", 1L).put("total_count", 1L).put("page_size", 50);
        assertThat(JSON.writeValueAsString(new EventPage(true, List.of(new EventRow("e1", "telephone_encounter.created", null,
                "pending", data, "2026-01-02T03:04:05Z", "7", null)), new Pagination(1, 1, 1, 50)))).isEqualTo(page.toString());

        assertThat(WebhookDeliveries.deliveryMessage("d1"))
                .isEqualTo(new ObjectMapper().createObjectNode().put("delivery_id", "d1").toString());
    }

    @Test
    void aRegistrationBindsAsTheHandWalkedOneDid() throws Exception {
        assertThat(JSON.treeToValue(JSON.readTree("{\"webhook_url\":\" https://h.example \",\"other\":1}"), Register.class))
                .isEqualTo(new Register(" https://h.example ", null));
        assertThat(JSON.treeToValue(JSON.readTree("{\"webhook_url\":123,\"signature_scheme\":null}"), Register.class))
                .as("a URL that is not a string is missing").isEqualTo(new Register(null, null));
        assertThat(JSON.treeToValue(JSON.readTree("{\"webhook_url\":{\"a\":1},\"signature_scheme\":\"standard\"}"), Register.class))
                .isEqualTo(new Register(null, "standard"));
        assertThat(JSON.treeToValue(JSON.readTree("{\"signature_scheme\":5}"), Register.class).signatureScheme()).isEqualTo("5");
        assertThat(JSON.treeToValue(JSON.readTree("{\"signature_scheme\":true}"), Register.class).signatureScheme()).isEqualTo("true");
        assertThat(JSON.treeToValue(JSON.readTree("{\"signature_scheme\":[\"standard\"]}"), Register.class).signatureScheme())
                .as("a container reads as empty text, as JsonNode.asText() did").isEmpty();
    }
}
