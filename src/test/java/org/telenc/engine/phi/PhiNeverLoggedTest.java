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
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;

/**
 * Runs full flows (created, partial, failed with a medication list, validation errors) while
 * capturing every log event of every logger, and fails if any PHI value shows up in a message,
 * an argument or a stack trace.
 */
class PhiNeverLoggedTest extends EngineTest {

    @Test
    void noPhiReachesTheLogs() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String caller = "Zebulon Quixote " + tag;
        String message = "Secret symptom " + tag;
        String reason = "Reason " + tag;
        List<String> phi = List.of("100234", caller, message, reason, "Lisinopril", "lisinopril", "Metformin",
                "Oxycodone", "oxycodone", "ibuprofen", "Metoprolol");

        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger engine = (Logger) LoggerFactory.getLogger("org.telenc");
        Level engineLevel = engine.getLevel();
        engine.setLevel(Level.DEBUG);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try {
            Supplier<ObjectNode> base = () -> Json.node("patient_mrn", "100234", "provider_id", "12241", "location_id", "31",
                    "assigned_to_id", "12220", "caller", caller, "message", message, "reason", reason);
            for (String medication : List.of("lisinopril", "oxycodone", "ibuprofen")) {
                String id = JSON.readTree(post("/v1/telephone-encounters",
                        Json.text(base.get().put("refill_medication_name", medication))).body()).path("telephone_encounter_id").asText();
                receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30));
            }
            post("/v1/telephone-encounters", Json.text(base.get().put("refill_medication_name", "Oxycodone".repeat(6))));
            post("/v1/telephone-encounters", Json.text(base.get().put("is_high_priority", message)));
            post("/v1/telephone-encounters", """
                    {"patient_mrn": "100234", %s""".formatted(caller));
        } finally {
            root.detachAppender(captured);
            engine.setLevel(engineLevel);
        }

        assertThat(captured.list).as("the flows logged something").isNotEmpty();
        for (ILoggingEvent event : captured.list) {
            String text = event.getFormattedMessage() + " " + throwableText(event.getThrowableProxy());
            for (String value : phi) {
                assertThat(text).as("log line of %s", event.getLoggerName()).doesNotContain(value);
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
