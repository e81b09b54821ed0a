package org.telenc.engine.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Valid requests over the sandbox's demo data (README "Demo data", {@code SandboxDemoData}), each of
 * which should end as {@code telephone_encounter.created}: only patients whose MRN exists once
 * (100234, 100235, 100236), active providers (12241, 12242), locations (31, 32) and staff, a
 * pharmacy only where it is already on the patient's list (so no request updates a Patient and
 * none can lose an If-Match race to another), and refills only of medications that are refillable
 * and unambiguous for that patient (lisinopril and metformin for 100234, albuterol for 100235).
 * The variants rotate so every patient, EMR step and optional field is exercised.
 */
final class DemoRequests {

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

    private DemoRequests() {}

    /** {@code count} requests, each with its own Idempotency-Key; {@code scenario} only labels the keys. */
    static List<EncounterRequest> create(String scenario, int count) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<EncounterRequest> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Variant v = VARIANTS.get(i % VARIANTS.size());
            ObjectNode body = JSON.createObjectNode()
                    .put("patient_mrn", v.mrn())
                    .put("provider_id", v.provider())
                    .put("location_id", v.location())
                    .put("assigned_to_id", v.assignee())
                    .put("caller", "Fault suite caller")
                    .put("message", "Fault suite request " + (i + 1) + " of " + count);
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
            requests.add(new EncounterRequest(i + 1, "faults-" + scenario + "-" + run + "-" + (i + 1), body.toString(),
                    v.refill() != null));
        }
        return requests;
    }
}
