package org.telenc.engine.webhook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.util.List;

/**
 * The webhook API's request and response bodies and the delivery queue's message, bound by
 * Jackson (snake_case on the wire, fields in the order the contract shows them).
 */
final class WebhookBodies {

    private WebhookBodies() {
    }

    static String write(ObjectMapper json, Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("webhook body not written", e);
        }
    }

    // ---- requests ----

    /**
     * {@code POST /v1/webhook}: a {@code webhook_url} that is not a string counts as missing; a
     * {@code signature_scheme} is read as text whatever its JSON type (a container reads as empty).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Register(@JsonDeserialize(using = StringOnly.class) String webhookUrl,
            @JsonDeserialize(using = AnyAsText.class) String signatureScheme) {
    }

    static final class StringOnly extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return p.getText();
            }
            p.skipChildren();
            return null;
        }
    }

    static final class AnyAsText extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken().isStructStart()) {
                p.skipChildren();
                return "";
            }
            return p.getText();
        }
    }

    // ---- responses ----

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"success", "webhook_id", "webhook_url", "webhook_secret"})
    record Registered(boolean success, String webhookId, String webhookUrl, String webhookSecret) {
        @Override
        public String toString() { // never the secret
            return "Registered[webhookId=" + webhookId + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"success", "webhook_urls"})
    record Listed(boolean success, List<Url> webhookUrls) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"id", "url", "signature_scheme", "status"})
    record Url(String id, String url, String signatureScheme, String status) {
    }

    @JsonPropertyOrder({"success", "message"})
    record Done(boolean success, String message) {
    }

    @JsonPropertyOrder({"success", "webhook"})
    record Rotated(boolean success, NewSecret webhook) {
    }

    @JsonPropertyOrder({"id", "secret"})
    record NewSecret(String id, String secret) {
        @Override
        public String toString() { // never the secret
            return "NewSecret[id=" + id + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"success", "message", "event_id", "deliveries"})
    record Resent(boolean success, String message, String eventId, int deliveries) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"success", "webhook_events", "pagination"})
    record EventPage(boolean success, List<EventRow> webhookEvents, Pagination pagination) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"event_id", "event_type", "webhook_url", "delivery_status", "data", "created_at", "job_id",
            "access_token_reference_id"})
    record EventRow(String eventId, String eventType, String webhookUrl, String deliveryStatus, JsonNode data,
            String createdAt, String jobId, String accessTokenReferenceId) {
        @Override
        public String toString() { // the event's data holds PHI
            return "EventRow[eventId=" + eventId + ", eventType=" + eventType + ", jobId=" + jobId + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"current_page", "total_pages", "total_count", "page_size"})
    record Pagination(int currentPage, long totalPages, long totalCount, int pageSize) {
    }

    // ---- stored and queued ----

    /** The message on the delivery queues: which delivery to attempt. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record DeliveryMessage(String deliveryId) {
    }

    /** What the delivery and the event list read of a stored event: its data and its creation time. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record StoredEvent(JsonNode data, String created) {
        @Override
        public String toString() { // the event's data holds PHI
            return "StoredEvent[created=" + created + "]";
        }
    }
}
