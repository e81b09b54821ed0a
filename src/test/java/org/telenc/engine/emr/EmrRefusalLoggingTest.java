package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telenc.engine.webhook.WebhookDeliveries;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.FaultyEmrProxy;
import org.telenc.engine.sandbox.DemoTenant;

/**
 * An EMR refusal the flow turns into a {@code failed} outcome is an outcome, not an engine fault:
 * exactly one WARN line naming the operation, the HTTP status and the OperationOutcome issue codes,
 * no ERROR, no stack trace, no PHI. A real engine fault in the same routes still logs ERROR.
 * The sandbox's own HAPI server logs (the EMR's side, {@code ca.uhn}) are not the engine's and are left out.
 */
class EmrRefusalLoggingTest extends EngineTest {

    static final String ACTION_TEXT = "Called back about the refusal test";

    @Autowired
    JdbcTemplate jdbc;

    FaultyEmrProxy proxy;

    @AfterEach
    void restore() {
        if (proxy != null) {
            jdbc.update("update emr_connection set base_url = ?, settings = null where name = ?", EmrConnections.EMBEDDED_SANDBOX,
                    DemoTenant.CONNECTION_NAME);
            proxy.close();
        }
    }

    /** The engine's log events (every logger but the sandbox EMR's HAPI server) while {@code flow} runs. */
    static List<ILoggingEvent> engineLogsOf(Callable<?> flow) throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try {
            Object result = flow.call();
            if (result instanceof JsonNode event && event.hasNonNull("id")) {
                // the consumer logs its last lines just after the webhook is sent: the job's end and the delivery
                String eventId = event.path("id").asText();
                await("the job's last log lines").atMost(Duration.ofSeconds(10)).until(() -> {
                    List<ILoggingEvent> now;
                    synchronized (captured) { // AppenderBase appends under the appender's lock
                        now = new java.util.ArrayList<>(captured.list);
                    }
                    List<String> lines = now.stream().map(ILoggingEvent::getFormattedMessage)
                            .filter(m -> m.contains(eventId)).toList();
                    return lines.stream().anyMatch(m -> m.contains(" ended ")) && lines.stream().anyMatch(m -> m.contains(" delivered "));
                });
            }
        } finally {
            root.detachAppender(captured);
        }
        // the engine's own lines: not HAPI's, nor the JMS reconnect lines another engine left in this
        // JVM (a test whose broker is gone) may log meanwhile, nor the WARN of a webhook delivery that
        // gives up meanwhile (an earlier test's event, for a receiver that test has closed): the flow
        // under test delivers to the running receiver, and its EMR refusal is what is counted
        return captured.list.stream().filter(e -> !e.getLoggerName().startsWith("ca.uhn"))
                .filter(e -> !e.getLoggerName().startsWith("org.springframework.jms.listener")
                        && !e.getLoggerName().startsWith("org.apache.activemq.transport"))
                .filter(e -> !(e.getLevel() == Level.WARN && e.getLoggerName().equals(WebhookDeliveries.class.getName())))
                .toList();
    }

    static void assertOneWarnNoError(List<ILoggingEvent> events, String... fields) {
        assertThat(events).as("no ERROR").noneMatch(e -> e.getLevel() == Level.ERROR);
        assertThat(events).as("no stack trace").allMatch(e -> e.getThrowableProxy() == null);
        assertThat(events).allMatch(e -> !e.getFormattedMessage().contains("Stacktrace"));
        List<String> warnings = events.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).as("exactly one WARN line").hasSize(1);
        assertThat(warnings.get(0)).contains(fields).doesNotContain("100234", ACTION_TEXT, "Jane");
    }

    @Test
    void anActionOnAMissingEncounterIsOneWarnLine() throws Exception {
        List<ILoggingEvent> events = engineLogsOf(() -> {
            var response = post("/v1/telephone-encounters/actions", JSON.createObjectNode()
                    .put("emr_appointment_id", "no-such-encounter").put("text", ACTION_TEXT).toString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            String id = JSON.readTree(response.body()).path("action_id").asText();
            JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
            assertThat(event.path("type").asText()).isEqualTo("telephone_encounter_action.failed");
            return event;
        });
        assertOneWarnNoError(events, "read-encounter", "HTTP 404", "(processing)"); // HAPI answers a missing resource with issue code processing
    }

    @Test
    void anEncounterTheEmrRefusesIsOneWarnLine() throws Exception {
        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        jdbc.update("update emr_connection set base_url = ? where name = ?", proxy.baseUrl(), DemoTenant.CONNECTION_NAME);
        // one write per step (the transaction Bundle is the next test)
        jdbc.update("update emr_connection set settings = ? where name = ?", "{\"fhir_batching\":\"off\"}",
                DemoTenant.CONNECTION_NAME);
        proxy.refuse(call -> call.startsWith("POST /fhir/Encounter"), 400, "processing");
        List<ILoggingEvent> events = engineLogsOf(() -> {
            var response = post("/v1/telephone-encounters", encounterBody("100234", null, null));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            String id = JSON.readTree(response.body()).path("telephone_encounter_id").asText();
            JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
            assertThat(event.path("type").asText()).as(event.toString()).isEqualTo("telephone_encounter.failed");
            assertThat(event.path("data").path("reasons").get(0).path("code").asText()).isEqualTo("emr_rejected");
            return event;
        });
        assertOneWarnNoError(events, "create-encounter", "HTTP 400", "(processing)");
    }

    @Test
    void aTransactionTheEmrRefusesIsOneWarnLine() throws Exception {
        proxy = new FaultyEmrProxy("http://127.0.0.1:" + port + EmrConnections.SANDBOX_PATH);
        jdbc.update("update emr_connection set base_url = ? where name = ?", proxy.baseUrl(), DemoTenant.CONNECTION_NAME);
        proxy.refuse(call -> call.equals("POST /fhir"), 400, "processing");
        List<ILoggingEvent> events = engineLogsOf(() -> {
            var response = post("/v1/telephone-encounters", encounterBody("100234", null, null));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            String id = JSON.readTree(response.body()).path("telephone_encounter_id").asText();
            JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
            assertThat(event.path("type").asText()).as(event.toString()).isEqualTo("telephone_encounter.failed");
            assertThat(event.path("data").path("reasons").get(0).path("code").asText()).isEqualTo("emr_rejected");
            return event;
        });
        assertOneWarnNoError(events, "write-encounter-transaction", "HTTP 400", "(processing)");
    }

    @Test
    void aRealEngineFaultInAnAdapterRouteStillLogsError() throws Exception {
        // no job on the exchange: the adapter's request builder fails, which no EMR answer explains
        List<ILoggingEvent> events = engineLogsOf(() -> {
            try {
                camel.requestBody("direct:emr-fhir-r4-find-patient", (Object) null);
            } catch (CamelExecutionException expected) {
                // the fault reaches the caller too
            }
            return null;
        });
        assertThat(events).as("an engine fault is an ERROR an operator must see").anyMatch(e -> e.getLevel() == Level.ERROR);
    }
}
