package org.telenc.engine.phi;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;

/**
 * The sibling of {@link PhiNeverLoggedTest} for Add Action: runs actions that add a note, that fail
 * (unknown encounter) and that are rejected (too long, wrong priority, wrong type, broken JSON)
 * while capturing every log event of every logger, and fails if the action's text, or the note
 * line that carries it, shows up in a message, an argument or a stack trace.
 */
class ActionTextNeverLoggedTest extends EngineTest {

    @Test
    void theActionTextNeverReachesTheLogs() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String text = "Patient reports chest pain " + tag;
        List<String> phi = List.of(text, tag);

        String encounterBody = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}";
        String encounterId = JSON.readTree(post("/v1/telephone-encounters", encounterBody).body()).path("telephone_encounter_id").asText();
        String emrAppointmentId = JSON.readTree(receiver.awaitOne(b -> b.contains(encounterId), Duration.ofSeconds(30)).bodyText())
                .path("data").path("emr_appointment_id").asText();

        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger engine = (Logger) LoggerFactory.getLogger("org.telenc");
        Level engineLevel = engine.getLevel();
        engine.setLevel(Level.DEBUG);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try {
            for (String target : List.of(emrAppointmentId, "no-such-encounter")) {
                String body = JSON.createObjectNode().put("emr_appointment_id", target).put("text", text)
                        .put("is_high_priority", "true").toString();
                String actionId = JSON.readTree(post("/v1/telephone-encounters/actions", body).body()).path("action_id").asText();
                receiver.awaitOne(b -> b.contains(actionId), Duration.ofSeconds(30));
            }
            post("/v1/telephone-encounters/actions", Json.object("emr_appointment_id", "e", "text", text + "x".repeat(10001)));
            post("/v1/telephone-encounters/actions", Json.object("emr_appointment_id", "e", "text", "x", "is_high_priority", text));
            post("/v1/telephone-encounters/actions", Json.object("emr_appointment_id", "e", "text", List.of(text)));
            post("/v1/telephone-encounters/actions", """
                    {"emr_appointment_id":"e","text":"%s""".formatted(text));
        } finally {
            root.detachAppender(captured);
            engine.setLevel(engineLevel);
        }

        assertThat(captured.list).as("the flows logged something").isNotEmpty();
        assertThat(captured.list).as("the action flow ran").anyMatch(e -> e.getFormattedMessage().contains("telephone_encounter_action.created"));
        for (ILoggingEvent event : captured.list) {
            String logged = event.getFormattedMessage() + " " + throwableText(event.getThrowableProxy());
            for (String value : phi) {
                assertThat(logged).as("log line of %s", event.getLoggerName()).doesNotContain(value);
            }
        }
    }

    private static String throwableText(IThrowableProxy proxy) {
        StringBuilder text = new StringBuilder();
        for (IThrowableProxy p = proxy; p != null; p = p.getCause()) {
            text.append(p.getClassName()).append(": ").append(p.getMessage()).append(' ');
        }
        return text.toString();
    }
}
