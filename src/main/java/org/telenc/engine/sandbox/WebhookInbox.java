package org.telenc.engine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Sandbox mode: a webhook receiver inside the engine, the demo client's webhook URL. It keeps the
 * last 200 deliveries in memory (a demo receiver, not a store) and lists them with their headers.
 */
@RestController
@ConditionalOnProperty(name = "engine.sandbox.enabled", havingValue = "true", matchIfMissing = true)
public class WebhookInbox {

    private static final int CAPACITY = 200;
    private final Deque<Map<String, Object>> received = new ArrayDeque<>();
    private final ObjectMapper json;
    private final Clock clock;

    public WebhookInbox(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    @PostMapping(path = "/sandbox/webhook-inbox")
    public Map<String, Object> receive(@RequestHeader Map<String, String> headers, @RequestBody byte[] body) throws Exception {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("received_at", clock.instant().toString());
        Map<String, String> webhookHeaders = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase();
            if (lower.startsWith("webhook-") || lower.equals("cobalt-verification") || lower.equals("content-type")) {
                webhookHeaders.put(lower, value);
            }
        });
        entry.put("headers", webhookHeaders);
        JsonNode event = json.readTree(new String(body, StandardCharsets.UTF_8));
        entry.put("event", event);
        synchronized (received) {
            received.addFirst(entry);
            while (received.size() > CAPACITY) {
                received.removeLast();
            }
        }
        return Map.of("received", true);
    }

    @GetMapping(path = "/sandbox/webhook-inbox", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> list() {
        List<Map<String, Object>> events;
        synchronized (received) {
            events = new ArrayList<>(received);
        }
        return Map.of("success", true, "events", events);
    }
}
