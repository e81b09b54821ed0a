package org.telenc.engine.encounter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.action.ActionJob;
import org.telenc.engine.routes.ExchangeProperties;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.WebhookReceiver;
import org.telenc.engine.support.Json;

/**
 * A job that throws something the flows do not turn into an outcome (here an unexpected
 * RuntimeException woven in before a route step, for one marked request only) still ends in
 * exactly one terminal webhook event: after the broker's last redelivery it is failed with
 * {@code internal_error}, its status is failed, and nothing is left on the dead-letter queue. A
 * fault that clears on a redelivery changes nothing; a queue message tied to no request is
 * dead-lettered at once. The whole engine: real broker, database, FHIR sandbox, webhook receiver.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its routes are woven
@ExtendWith(OutputCaptureExtension.class)
class JobFaultsTest extends EngineTest {

    static final String REQUESTS_DLQ = "DLQ.telephone-encounters.requests";
    static final String ACTIONS_DLQ = "DLQ.telephone-encounters.actions";
    static final int MAXIMUM_REDELIVERIES = 2;

    /** Per marker (a request's caller, an action's text): the step to throw before and how often. */
    static final Map<String, Fault> FAULTS = new ConcurrentHashMap<>();
    static volatile boolean woven;

    record Fault(String stepId, AtomicInteger remaining, AtomicInteger thrown) {
        static Fault at(String stepId, int times) {
            return new Fault(stepId, new AtomicInteger(times), new AtomicInteger());
        }
    }

    @Autowired
    CamelContext camelContext;
    @Autowired
    ConnectionFactory connectionFactory;
    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void fastRedelivery(DynamicPropertyRegistry registry) {
        ownEngine(registry, "job-faults");
        registry.add("engine.broker.redelivery.maximum-redeliveries", () -> String.valueOf(MAXIMUM_REDELIVERIES));
        registry.add("engine.broker.redelivery.initial-delay", () -> "1s"); // the broker's least
        registry.add("engine.broker.redelivery.maximum-delay", () -> "2s");
    }

    @BeforeEach
    void weaveFaults() throws Exception {
        if (woven) {
            return;
        }
        AdviceWith.adviceWith(camelContext, "encounter-emr-steps",
                route -> route.weaveById("emr-find-patient").before().process(faultBefore("emr-find-patient")));
        AdviceWith.adviceWith(camelContext, "encounter-finish",
                route -> route.weaveById("meter-encounter-outcome").before().process(faultBefore("meter-encounter-outcome")));
        AdviceWith.adviceWith(camelContext, "action-emr-steps",
                route -> route.weaveById("emr-read-encounter").before().process(faultBefore("emr-read-encounter")));
        woven = true;
    }

    /** Throws for the marked job only, as a bug in a bean would. */
    static Processor faultBefore(String stepId) {
        return exchange -> {
            String marker = marker(exchange);
            Fault fault = FAULTS.get(marker);
            if (fault != null && fault.stepId().equals(stepId) && fault.remaining().getAndDecrement() > 0) {
                fault.thrown().incrementAndGet();
                // quoting request text, as careless exception messages do: it must never reach a log
                throw new IllegalStateException("injected fault before " + stepId + " for " + marker);
            }
        };
    }

    static String marker(Exchange exchange) {
        Object job = exchange.getProperty(ExchangeProperties.JOB);
        if (job instanceof EncounterJob encounter) {
            return String.valueOf(encounter.request().getCaller());
        }
        return job instanceof ActionJob action ? String.valueOf(action.text()) : "";
    }

    record Accepted(String id, String jobId, String marker) {
    }

    Accepted postEncounter(Fault fault) throws Exception {
        String marker = "caller-" + UUID.randomUUID();
        if (fault != null) {
            FAULTS.put(marker, fault);
        }
        String body = Json.object("patient_mrn", "100236", "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220",
                "caller", marker);
        var response = post("/v1/telephone-encounters", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        return new Accepted(answer.path("telephone_encounter_id").asText(), answer.path("job_id").asText(), marker);
    }

    JsonNode awaitEvent(String id) throws Exception {
        return JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(60)).bodyText());
    }

    List<JsonNode> eventsFor(String id) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (WebhookReceiver.Received received : receiver.received()) {
            if (received.bodyText().contains(id)) {
                events.add(JSON.readTree(received.bodyText()));
            }
        }
        return events;
    }

    String status(String id) throws Exception {
        return JSON.readTree(get("/v1/telephone-encounters/" + id).body()).path("telephone_encounter").path("status").asText();
    }

    /** The bodies of the messages on a queue, browsed on the real broker. */
    List<TextMessage> browse(String queue) throws Exception {
        try (Connection connection = connectionFactory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = session.createBrowser(session.createQueue(queue));
            List<TextMessage> messages = new ArrayList<>();
            for (Message message : Collections.list((Enumeration<Message>) browser.getEnumeration())) {
                messages.add((TextMessage) message);
            }
            return messages;
        }
    }

    boolean deadLettered(String queue, String id) throws Exception {
        for (TextMessage message : browse(queue)) {
            if (message.getText().contains(id)) {
                return true;
            }
        }
        return false;
    }

    static JsonNode onlyReason(JsonNode event) {
        JsonNode reasons = event.path("data").path("reasons");
        assertThat(reasons).hasSize(1);
        return reasons.get(0);
    }

    @Test
    void aJobThatAlwaysThrowsEndsFailedWithInternalErrorAndOthersAreUnaffected(CapturedOutput output) throws Exception {
        Fault fault = Fault.at("emr-find-patient", Integer.MAX_VALUE);
        Accepted poisoned = postEncounter(fault);
        Accepted healthy = postEncounter(null);

        JsonNode event = awaitEvent(poisoned.id());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.failed");
        assertThat(event.path("job_id").asText()).isEqualTo(poisoned.jobId());
        JsonNode reason = onlyReason(event);
        assertThat(reason.path("code").asText()).isEqualTo("internal_error");
        assertThat(reason.path("description").asText()).isEqualTo("The engine could not process this request.");
        assertThat(event.path("data").path("failure_reason").asText()).isEqualTo("The engine could not process this request.");
        assertThat(event.toString()).doesNotContain("injected", "IllegalStateException");
        // the first delivery and every redelivery threw; the last one ended the job
        assertThat(fault.thrown().get()).isEqualTo(1 + MAXIMUM_REDELIVERIES);

        assertThat(awaitEvent(healthy.id()).path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(status(poisoned.id())).isEqualTo("failed");
        assertThat(status(healthy.id())).isEqualTo("completed");

        holdsOneEventAndNoDeadLetter(REQUESTS_DLQ, poisoned.id()); // would a second event or a dead letter follow?
        assertThat(eventsFor(poisoned.id())).hasSize(1);
        assertThat(deadLettered(REQUESTS_DLQ, poisoned.id())).isFalse();
        assertThat(jdbc.queryForObject("select count(*) from webhook_event where encounter_id = ?", Integer.class,
                poisoned.id())).isEqualTo(1);
        // logged once at ERROR with ids, route and exception class; the exception's text never
        assertThat(output.getAll().lines().filter(l -> l.contains(" ERROR ") && l.contains(poisoned.id())))
                .singleElement().asString().contains("process-telephone-encounter", "java.lang.IllegalStateException",
                        "internal_error");
        assertThat(output.getAll()).doesNotContain(poisoned.marker());
    }

    @Test
    void aFaultThatClearsOnARedeliveryStillEndsCreated() throws Exception {
        Fault fault = Fault.at("emr-find-patient", 1);
        Accepted flaky = postEncounter(fault);

        JsonNode event = awaitEvent(flaky.id());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(fault.thrown().get()).isEqualTo(1);
        holdsOneEventAndNoDeadLetter(REQUESTS_DLQ, flaky.id());
        assertThat(eventsFor(flaky.id())).hasSize(1);
        assertThat(status(flaky.id())).isEqualTo("completed");
        assertThat(deadLettered(REQUESTS_DLQ, flaky.id())).isFalse();
    }

    @Test
    void aFaultAfterTheOutcomeWasRecordedNeverMakesASecondTerminalEvent() throws Exception {
        Fault fault = Fault.at("meter-encounter-outcome", Integer.MAX_VALUE);
        Accepted late = postEncounter(fault);

        JsonNode event = awaitEvent(late.id());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
        await().atMost(Duration.ofSeconds(30)).until(() -> fault.thrown().get() > MAXIMUM_REDELIVERIES);
        holdsOneEventAndNoDeadLetter(REQUESTS_DLQ, late.id());
        assertThat(fault.thrown().get()).isGreaterThan(MAXIMUM_REDELIVERIES);
        assertThat(eventsFor(late.id())).hasSize(1);
        assertThat(jdbc.queryForObject("select count(*) from webhook_event where encounter_id = ?", Integer.class,
                late.id())).isEqualTo(1);
        assertThat(status(late.id())).isEqualTo("completed");
        assertThat(deadLettered(REQUESTS_DLQ, late.id())).isFalse();
    }

    @Test
    void anActionThatAlwaysThrowsEndsFailedWithInternalError() throws Exception {
        Accepted encounter = postEncounter(null);
        String emrAppointmentId = awaitEvent(encounter.id()).path("data").path("emr_appointment_id").asText();
        String poisonText = "note-" + UUID.randomUUID();
        Fault fault = Fault.at("emr-read-encounter", Integer.MAX_VALUE);
        FAULTS.put(poisonText, fault);
        String healthyText = "note-" + UUID.randomUUID();

        String poisoned = postAction(emrAppointmentId, poisonText);
        String healthy = postAction(emrAppointmentId, healthyText);

        JsonNode event = awaitEvent(poisoned);
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter_action.failed");
        JsonNode reason = onlyReason(event);
        assertThat(reason.path("code").asText()).isEqualTo("internal_error");
        assertThat(reason.path("description").asText()).isEqualTo("The engine could not process this request.");
        assertThat(fault.thrown().get()).isEqualTo(1 + MAXIMUM_REDELIVERIES);
        assertThat(awaitEvent(healthy).path("type").asText()).isEqualTo("telephone_encounter_action.created");

        holdsOneEventAndNoDeadLetter(ACTIONS_DLQ, poisoned);
        assertThat(eventsFor(poisoned)).hasSize(1);
        assertThat(jdbc.queryForObject("select status from telephone_encounter_action where id = ?", String.class, poisoned))
                .isEqualTo("failed");
        assertThat(deadLettered(ACTIONS_DLQ, poisoned)).isFalse();
    }

    @Test
    void aMessageTiedToNoRequestIsDeadLetteredAtOnce() throws Exception {
        String marker = UUID.randomUUID().toString();
        String unreadable = "not json " + marker;
        camel.sendBody("activemq:queue:telephone-encounters.requests", unreadable);
        camel.sendBody("activemq:queue:telephone-encounters.actions", unreadable);

        await().atMost(Duration.ofSeconds(30)).until(() -> deadLettered(REQUESTS_DLQ, marker) && deadLettered(ACTIONS_DLQ, marker));
        assertThat(deadLettered(REQUESTS_DLQ, marker)).isTrue();
        assertThat(deadLettered(ACTIONS_DLQ, marker)).isTrue();
        for (TextMessage message : browse(REQUESTS_DLQ)) {
            if (message.getText().contains(marker)) {
                // moved by the route on its first delivery, not by the broker after redeliveries
                assertThat(message.getStringProperty("dlqDeliveryFailureCause")).isNull();
            }
        }
        assertThat(eventsFor(marker)).isEmpty();
    }

    /** Holds for 1.5 s that the job has exactly one event and nothing in the dead-letter queue: a second would show in that window. */
    void holdsOneEventAndNoDeadLetter(String deadLetterQueue, String id) {
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10))
                .until(() -> eventsFor(id).size() == 1 && !deadLettered(deadLetterQueue, id));
    }

    String postAction(String emrAppointmentId, String text) throws Exception {
        String body = JSON.createObjectNode().put("emr_appointment_id", emrAppointmentId).put("text", text).toString();
        var response = post("/v1/telephone-encounters/actions", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        String actionId = answer.path("action_id").asText();
        assertThat(actionId).isNotEmpty();
        return actionId;
    }
}
