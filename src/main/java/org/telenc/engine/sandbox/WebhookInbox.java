package org.telenc.engine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.api.ApiResponse;
import org.telenc.engine.api.ApiResponses;
import org.telenc.engine.api.RequestBodies;
import org.telenc.engine.intake.RequestParser;

/**
 * Sandbox mode: a webhook receiver inside the engine, the demo client's webhook URL. It keeps the
 * last deliveries in memory (a demo receiver, not a store) and lists them with their headers: at
 * most 200 events and at most {@code engine.sandbox.inbox.max-bytes} of them (the oldest go first).
 * A body is judged like a /v1 body: at most 64 KB and declared JSON (RequestLimits), strict UTF-8,
 * a JSON object (nesting included: Jackson's depth limit), else the same JSON error body.
 */
@RestController
@ConditionalOnProperty(name = "engine.sandbox.enabled", havingValue = "true", matchIfMissing = true)
public class WebhookInbox {

    private static final int CAPACITY = 200;
    private final Deque<Kept> received = new ArrayDeque<>();
    private long keptBytes;
    private final long maxBytes;
    private final RequestBodies bodies;
    private final ApiResponses responses;
    private final Clock clock;

    private record Kept(Map<String, Object> entry, long bytes) {
    }

    public WebhookInbox(RequestBodies bodies, ApiResponses responses, Clock clock,
            @Value("${engine.sandbox.inbox.max-bytes:2MB}") DataSize maxBytes) {
        this.bodies = bodies;
        this.responses = responses;
        this.clock = clock;
        this.maxBytes = maxBytes.toBytes();
    }

    @PostMapping(path = "/sandbox/webhook-inbox")
    public Map<String, Object> receive(@RequestHeader Map<String, String> headers,
            @RequestBody(required = false) byte[] body) {
        JsonNode event = RequestParser.readObject(bodies.utf8(body == null ? new byte[0] : body));
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("received_at", clock.instant().toString());
        Map<String, String> webhookHeaders = new LinkedHashMap<>();
        long bytes = body.length;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String lower = header.getKey().toLowerCase();
            if (lower.startsWith("webhook-") || lower.equals("cobalt-verification") || lower.equals("content-type")) {
                webhookHeaders.put(lower, header.getValue());
                bytes += lower.length() + header.getValue().length();
            }
        }
        entry.put("headers", webhookHeaders);
        entry.put("event", event);
        synchronized (received) {
            received.addFirst(new Kept(entry, bytes));
            keptBytes += bytes;
            while (received.size() > CAPACITY || keptBytes > maxBytes && received.size() > 1) {
                keptBytes -= received.removeLast().bytes();
            }
            if (keptBytes > maxBytes) { // a single event above the whole budget is not kept
                keptBytes -= received.removeLast().bytes();
            }
        }
        return Map.of("received", true);
    }

    @GetMapping(path = "/sandbox/webhook-inbox", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> list() {
        List<Map<String, Object>> events = new ArrayList<>();
        synchronized (received) {
            received.forEach(kept -> events.add(kept.entry()));
        }
        return Map.of("success", true, "events", events);
    }

    /** The bytes the inbox holds now (bodies and the headers it keeps). */
    public long keptBytes() {
        synchronized (received) {
            return keptBytes;
        }
    }

    /** A body that is not a JSON object: the error body /v1 answers. */
    @ExceptionHandler(ApiException.class)
    public ResponseEntity<String> refused(ApiException e) {
        ApiResponse answer = responses.error(e);
        return ResponseEntity.status(answer.status()).contentType(MediaType.APPLICATION_JSON).body(answer.json());
    }
}
