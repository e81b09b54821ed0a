package org.telenc.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Valid {@code POST /v1/telephone-encounters} bodies over the sandbox's demo data (README "Demo data"),
 * each of which ends as {@code telephone_encounter.created}: the three patients whose MRN exists once,
 * active providers, locations and staff, a pharmacy only where it is already on the patient's list and
 * refills only of refillable, unambiguous medications. Three of six carry a refill and two a pharmacy
 * (more EMR calls than a bare encounter: more realistic end to end). No Idempotency-Key (it is optional).
 */
final class BenchRequests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Variant(String mrn, String provider, String location, String assignee, String refill,
            String pharmacy, String priority, String reason) {
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("100234", "12241", "31", "12220", "lisinopril", "PH-2001", "false", "Refill request"),
            new Variant("100235", "12242", "32", "12221", "albuterol", null, "true", "Refill request"),
            new Variant("100236", "12242", "32", "12222", null, "PH-2002", null, "Follow-up call"),
            new Variant("100234", "12242", "31", "12241", "metformin", null, "false", null),
            new Variant("100235", "12241", "31", "12242", null, null, null, "Question about results"),
            new Variant("100236", "12241", "32", "12220", null, null, "true", null));

    /** Distinct patients, hence distinct JMSXGroupIDs (message groups) the requests spread over. */
    static final int PATIENTS = 3;

    private final AtomicLong next = new AtomicLong();

    /** The next body, rotating over the variants. */
    String next() {
        long n = next.getAndIncrement();
        Variant v = VARIANTS.get((int) (n % VARIANTS.size()));
        ObjectNode body = JSON.createObjectNode()
                .put("patient_mrn", v.mrn())
                .put("provider_id", v.provider())
                .put("location_id", v.location())
                .put("assigned_to_id", v.assignee())
                .put("caller", "Benchmark caller")
                .put("message", "Benchmark request " + n + ": please call back about the prescription.");
        if (v.reason() != null) {
            body.put("reason", v.reason());
        }
        if (v.refill() != null) {
            body.put("refill_medication_name", v.refill());
        }
        if (v.pharmacy() != null) {
            body.put("pharmacy_ehr_id", v.pharmacy());
        }
        if (v.priority() != null) {
            body.put("is_high_priority", v.priority());
        }
        return body.toString();
    }
}
