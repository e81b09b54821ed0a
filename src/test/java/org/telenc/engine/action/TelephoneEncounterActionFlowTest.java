package org.telenc.engine.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Encounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.sandbox.fhir.SandboxFhirStore;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.WebhookReceiver;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.support.Json;

/**
 * Add Action end to end over HTTP: an encounter created through POST /v1/telephone-encounters, an
 * action on the emr_appointment_id its webhook carried, the queue, the FHIR sandbox over camel-http,
 * and the signed webhook a real receiver gets; then what the sandbox EMR holds.
 */
class TelephoneEncounterActionFlowTest extends EngineTest {

    static final String ACTION_SYSTEM = "urn:telenc:telephone-encounter:action";
    static final String QUEUE = "activemq:queue:telephone-encounters.actions";
    /** The demo token's EMR user (12222) as the sandbox's directory names it. */
    static final String DEMO_STAFF_NAME = "Front Desk (sandbox user)";
    static final Pattern NOTE_LINE = Pattern.compile("\\[(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d) ([A-Z]{3,4})\\] (.+?): (.*)", Pattern.DOTALL);

    @Autowired
    SandboxFhirStore emr;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CamelContext camelContext;

    record Accepted(String actionId, String jobId) {
    }

    @AfterEach
    void defaultConnectionSettings() {
        clinicTimezone(null);
    }

    void clinicTimezone(String zone) {
        jdbc.update("update emr_connection set settings = ? where name = ?",
                zone == null ? null : Json.object("timezone", zone), DemoTenant.CONNECTION_NAME);
    }

    /** A telephone encounter created through the API: the emr_appointment_id its webhook carries. */
    String createdEncounter() throws Exception {
        String body = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}";
        var response = post("/v1/telephone-encounters", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String id = JSON.readTree(response.body()).path("telephone_encounter_id").asText();
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
        return event.path("data").path("emr_appointment_id").asText();
    }

    Accepted postAction(String body) throws Exception {
        var response = post("/v1/telephone-encounters/actions", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("success").asBoolean()).isTrue();
        assertThat(answer.path("message").asText()).isEqualTo("Action processing. A webhook event will be sent upon completion.");
        assertThat(answer.path("action_id").asText()).matches("[0-9a-f]{32}");
        assertThat(answer.path("job_id").isTextual()).isTrue();
        assertThat(answer.size()).isEqualTo(4);
        return new Accepted(answer.path("action_id").asText(), answer.path("job_id").asText());
    }

    static String action(String emrAppointmentId, String text, String priority) {
        return JSON.createObjectNode().put("emr_appointment_id", emrAppointmentId).put("text", text)
                .put("is_high_priority", priority).toString();
    }

    JsonNode awaitEvent(Accepted accepted) throws Exception {
        WebhookReceiver.Received delivery = receiver.awaitOne(b -> b.contains(accepted.actionId()), Duration.ofSeconds(30));
        JsonNode event = JSON.readTree(delivery.bodyText());
        assertSigned(delivery, event, accepted.jobId());
        return event;
    }

    static void assertSigned(WebhookReceiver.Received delivery, JsonNode event, String jobId) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(receiverSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(delivery.headers().get("cobalt-verification")).isEqualTo(HexFormat.of().formatHex(mac.doFinal(delivery.body())));
        assertThat(delivery.headers().get("webhook-id")).isEqualTo(event.path("id").asText()).matches("evt_[0-9a-f]{32}");
        assertThat(delivery.headers().get("webhook-timestamp")).isEqualTo(event.path("created").asText());
        assertThat(delivery.headers().get("webhook-attempt")).isEqualTo("1");
        assertThat(event.toString()).isEqualTo(delivery.bodyText());
        assertThat(event.path("object").asText()).isEqualTo("event");
        assertThat(event.path("job_id").asText()).isEqualTo(jobId);
        assertThat(event.path("access_token_reference_id").asText()).isEqualTo("demo-clinic");
        assertThat(event.path("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    List<Communication> notes(String actionId) {
        return emr.find(Communication.class, c -> c.getIdentifier().stream()
                .anyMatch(i -> ACTION_SYSTEM.equals(i.getSystem()) && actionId.equals(i.getValue())));
    }

    long received(String actionId) {
        return receiver.received().stream().filter(r -> r.bodyText().contains(actionId)).count();
    }

    Integer events(String actionId) {
        return jdbc.queryForObject("select count(*) from webhook_event where action_id = ?", Integer.class, actionId);
    }

    Integer deliveries(String actionId) {
        return jdbc.queryForObject("select count(*) from webhook_delivery d join webhook_event e on e.id = d.event_id"
                + " where e.action_id = ?", Integer.class, actionId);
    }

    /** Sends a queue message as the broker would redeliver it, and waits until the consumer is done with it. */
    void redeliver(Accepted accepted, String emrAppointmentId) {
        NotifyBuilder done = new NotifyBuilder(camelContext).fromRoute("process-telephone-encounter-action").whenDone(1).create();
        String connection = jdbc.queryForObject("select connection_id from telephone_encounter_action where id = ?",
                String.class, accepted.actionId());
        // the message as the engine before the job core wrote it: the same field names still read
        String message = Json.object("action_id", accepted.actionId(), "job_id", String.valueOf(accepted.jobId()));
        camel.sendBodyAndHeader(QUEUE, message,
                "JMSXGroupID", ActionIntake.messageGroup(connection, emrAppointmentId));
        assertThat(done.matches(30, TimeUnit.SECONDS)).as("the redelivered message was consumed").isTrue();
    }

    @Test
    void addsANoteLineToTheEncounterAndAnnouncesIt() throws Exception {
        clinicTimezone("America/New_York");
        String emrAppointmentId = createdEncounter();
        String text = "Called back, left voicemail about lab results";
        Accepted accepted = postAction(action(emrAppointmentId, text, "true"));

        JsonNode event = awaitEvent(accepted);
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter_action.created");
        JsonNode data = event.path("data");
        assertThat(data.path("action_id").asText()).isEqualTo(accepted.actionId());
        assertThat(data.path("emr_appointment_id").asText()).isEqualTo(emrAppointmentId);
        assertThat(data.size()).isEqualTo(3);

        List<Communication> written = notes(accepted.actionId());
        assertThat(written).hasSize(1);
        Communication note = written.get(0);
        Encounter encounter = emr.read(Encounter.class, emrAppointmentId).orElseThrow();
        assertThat(data.path("note_id").asText()).isEqualTo(note.getIdElement().getIdPart());
        assertThat(note.getEncounter().getReference()).isEqualTo("Encounter/" + emrAppointmentId);
        assertThat(note.getSubject().getReference()).isEqualTo(encounter.getSubject().getReference()).isEqualTo("Patient/pat-1003");
        assertThat(note.getStatus()).isEqualTo(Communication.CommunicationStatus.COMPLETED);
        assertThat(note.getPriority()).isEqualTo(Communication.CommunicationPriority.URGENT);
        assertThat(note.getSender().getReference()).isEqualTo("Practitioner/12222");
        assertThat(note.getSender().getDisplay()).isEqualTo(DEMO_STAFF_NAME);
        assertThat(note.getPayload()).hasSize(1);
        String line = note.getPayloadFirstRep().getContentStringType().getValue();
        Matcher parts = NOTE_LINE.matcher(line);
        assertThat(parts.matches()).as(line).isTrue();
        assertThat(parts.group(2)).isIn("EST", "EDT");
        assertThat(parts.group(3)).isEqualTo(DEMO_STAFF_NAME);
        assertThat(parts.group(4)).isEqualTo(text);
        ZonedDateTime stamped = LocalDateTime.parse(parts.group(1), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
                .atZone(ZoneId.of("America/New_York"));
        assertThat(Duration.between(stamped, ZonedDateTime.now()).abs()).isLessThan(Duration.ofMinutes(5));

        assertThat(jdbc.queryForMap("select status, note_id, emr_appointment_id from telephone_encounter_action where id = ?",
                accepted.actionId())).containsEntry("status", "completed").containsEntry("note_id", note.getIdElement().getIdPart())
                .containsEntry("emr_appointment_id", emrAppointmentId);
        JsonNode listed = JSON.readTree(get("/v1/webhook-events?job_id=" + accepted.jobId()).body());
        assertThat(listed.path("webhook_events").findValuesAsText("event_id")).contains(event.path("id").asText());
        assertThat(listed.path("webhook_events").findValuesAsText("event_type")).containsOnly("telephone_encounter_action.created");
        assertThat(listed.path("webhook_events").get(0).path("data").path("note_id").asText()).isEqualTo(note.getIdElement().getIdPart());
        assertThat(JSON.readTree(get("/v1/webhook-events?event_type=telephone_encounter_action.created").body())
                .path("webhook_events").findValuesAsText("event_id")).contains(event.path("id").asText());

        // the broker redelivers the message: nothing is written twice, no second event is sent
        int deliveriesBefore = deliveries(accepted.actionId());
        redeliver(accepted, emrAppointmentId);
        // held for 1 s: a second delivery would be on its way in this window
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> received(accepted.actionId()) == 1 && deliveries(accepted.actionId()) == deliveriesBefore);
        assertThat(notes(accepted.actionId())).hasSize(1);
        assertThat(events(accepted.actionId())).isEqualTo(1);
        assertThat(deliveries(accepted.actionId())).isEqualTo(deliveriesBefore);
        assertThat(received(accepted.actionId())).isEqualTo(1);
    }

    @Test
    void aRoutineActionIsStampedInUtcByDefault() throws Exception {
        String emrAppointmentId = createdEncounter();
        Accepted accepted = postAction(Json.object("emr_appointment_id", emrAppointmentId, "text", "Pharmacy confirmed"));
        assertThat(awaitEvent(accepted).path("type").asText()).isEqualTo("telephone_encounter_action.created");
        Communication note = notes(accepted.actionId()).get(0);
        assertThat(note.getPriority()).isEqualTo(Communication.CommunicationPriority.ROUTINE);
        assertThat(note.getPayloadFirstRep().getContentStringType().getValue())
                .matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\] Front Desk \\(sandbox user\\): Pharmacy confirmed");
    }

    @Test
    void twoActionsOnOneEncounterAreTwoNotesInOrder() throws Exception {
        String emrAppointmentId = createdEncounter();
        Accepted first = postAction(action(emrAppointmentId, "first note", "false"));
        Accepted second = postAction(action(emrAppointmentId, "second note", "false"));
        awaitEvent(first);
        awaitEvent(second);
        List<Communication> onEncounter = emr.find(Communication.class,
                c -> ("Encounter/" + emrAppointmentId).equals(c.getEncounter().getReference()));
        assertThat(onEncounter).extracting(c -> c.getPayloadFirstRep().getContentStringType().getValue().replaceAll("^\\[.*?\\] ", ""))
                .containsExactly(DEMO_STAFF_NAME + ": first note", DEMO_STAFF_NAME + ": second note");
    }

    @Test
    void aReplayAfterACrashFindsItsNoteInsteadOfWritingASecond() throws Exception {
        String emrAppointmentId = createdEncounter();
        Accepted accepted = postAction(action(emrAppointmentId, "Replayed note", "false"));
        String noteId = awaitEvent(accepted).path("data").path("note_id").asText();
        // the engine died after the EMR write and before its transaction committed: the database
        // still says processing, no event; the broker redelivers the message. The receiver has the
        // event before the engine records its attempt: wait for that record, or it lands between
        // the deletes below
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("select count(*) from webhook_delivery d"
                + " join webhook_event e on e.id = d.event_id where e.action_id = ? and d.status = 'pending'", Integer.class,
                accepted.actionId()) == 0);
        jdbc.update("delete from webhook_attempt where delivery_id in (select d.id from webhook_delivery d"
                + " join webhook_event e on e.id = d.event_id where e.action_id = ?)", accepted.actionId());
        jdbc.update("delete from webhook_delivery where event_id in (select id from webhook_event where action_id = ?)",
                accepted.actionId());
        jdbc.update("delete from webhook_event where action_id = ?", accepted.actionId());
        jdbc.update("update telephone_encounter_action set status = 'processing', note_id = null where id = ?",
                accepted.actionId());

        redeliver(accepted, emrAppointmentId);
        assertThat(notes(accepted.actionId())).as("the conditional create found the note").hasSize(1);
        assertThat(jdbc.queryForObject("select note_id from telephone_encounter_action where id = ?", String.class,
                accepted.actionId())).isEqualTo(noteId);
        assertThat(events(accepted.actionId())).isEqualTo(1);
    }

    @Test
    void anUnknownEncounterFailsWithEncounterNotFound() throws Exception {
        // the EMR's answer is what is tested here (ids the adapter cannot even name included): the
        // connection lets actions reach any encounter; by default these end before any EMR call, the
        // same way (TenantIsolationTest)
        jdbc.update("update emr_connection set settings = ? where name = ?", "{\"actions_on_any_encounter\": true}",
                DemoTenant.CONNECTION_NAME);
        for (String body : List.of(action("no-such-encounter", "Note on nothing", "false"),
                "{\"emr_appointment_id\":424242,\"text\":\"Note on nothing\"}",
                action("..", "Note on nothing", "false"), action("e".repeat(5000), "Note on nothing", "false"))) {
            Accepted accepted = postAction(body);
            JsonNode event = awaitEvent(accepted);
            assertThat(event.path("type").asText()).as(body).isEqualTo("telephone_encounter_action.failed");
            JsonNode data = event.path("data");
            assertThat(data.path("action_id").asText()).isEqualTo(accepted.actionId());
            assertThat(data.path("emr_appointment_id").asText()).isEqualTo(JSON.readTree(body).path("emr_appointment_id").asText());
            assertThat(data.path("failure_reason").asText()).isEqualTo("The encounter was not found in the EMR");
            assertThat(data.path("reasons")).hasSize(1);
            assertThat(data.path("reasons").get(0).path("code").asText()).isEqualTo("encounter_not_found");
            assertThat(data.path("reasons").get(0).path("description").asText()).isEqualTo("The encounter was not found in the EMR");
            assertThat(data.has("note_id")).isFalse();
            assertThat(notes(accepted.actionId())).isEmpty();
            assertThat(jdbc.queryForMap("select status, note_id, reasons from telephone_encounter_action where id = ?",
                    accepted.actionId())).containsEntry("status", "failed").containsEntry("note_id", null)
                    .containsEntry("reasons", "[{\"code\":\"encounter_not_found\",\"description\":\"The encounter was not found in the EMR\"}]");
        }
    }
}
