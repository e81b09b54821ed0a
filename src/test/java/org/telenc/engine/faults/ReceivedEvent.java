package org.telenc.engine.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One webhook POST as the external receiver recorded it, reduced to what the checks need and to
 * what is safe to print: ids, the event type and the reason codes. The body's PHI (MRN, medication
 * names, failure texts) is read past and never kept.
 *
 * @param webhookId the {@code webhook-id} header: the event id, stable across attempts
 * @param attempt the {@code webhook-attempt} header (1, 2, ...), 0 when absent
 * @param eventId the body's {@code id}
 * @param encounterId the body's {@code data.telephone_encounter_id}
 * @param reasonCodes the {@code data.reasons[].code} of a partial or failed outcome
 */
record ReceivedEvent(String webhookId, int attempt, String eventId, String type, String encounterId, List<String> reasonCodes) {

    static final String CREATED = "telephone_encounter.created";
    static final Set<String> TERMINAL_TYPES =
            Set.of(CREATED, "telephone_encounter.created_partial", "telephone_encounter.failed");

    private static final ObjectMapper JSON = new ObjectMapper();

    static ReceivedEvent parse(String webhookId, String attemptHeader, byte[] body) {
        int attempt = attemptHeader != null && attemptHeader.matches("\\d{1,9}") ? Integer.parseInt(attemptHeader) : 0;
        try {
            JsonNode event = JSON.readTree(body);
            List<String> codes = new ArrayList<>();
            event.path("data").path("reasons").forEach(reason -> codes.add(reason.path("code").asText()));
            return new ReceivedEvent(webhookId, attempt, text(event.get("id")), text(event.get("type")),
                    text(event.path("data").get("telephone_encounter_id")), List.copyOf(codes));
        } catch (java.io.IOException e) {
            return new ReceivedEvent(webhookId, attempt, null, "unreadable", null, List.of());
        }
    }

    boolean terminal() {
        return TERMINAL_TYPES.contains(type);
    }

    /** The id that identifies the event across attempts: the header, else the body's id. */
    String identity() {
        return webhookId != null ? webhookId : eventId;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
