package org.telenc.engine.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;
import org.telenc.engine.support.OtlpReceiver;

/**
 * With tracing on, one encounter is one trace, exported by OTLP/HTTP to a real receiver: the intake
 * request, the job's routes on the other side of the queue, the EMR calls and the webhook attempt
 * share its trace id, and nothing of the request (MRN, caller, message) is in any span.
 */
class TracingTest extends EngineTest {

    static final String MRN = "100234";
    static final String CALLER = "Zebulon Quackenbush";
    static final String MESSAGE = "Chest pain since Tuesday, please call";
    static final OtlpReceiver OTLP = otlp();

    static OtlpReceiver otlp() {
        try {
            return new OtlpReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Autowired
    Tracer otel;

    @DynamicPropertySource
    static void tracing(DynamicPropertyRegistry registry) {
        ownEngine(registry, "tracing");
        registry.add("management.tracing.enabled", () -> "true");
        registry.add("management.otlp.tracing.endpoint", OTLP::endpoint);
    }

    @AfterAll
    static void stop() {
        OTLP.close();
    }

    static String hex(ByteString id) {
        return HexFormat.of().formatHex(id.toByteArray());
    }

    static String text(AnyValue value) {
        return value.hasStringValue() ? value.getStringValue() : value.toString();
    }

    static String attribute(Span span, String key) {
        return span.getAttributesList().stream().filter(a -> a.getKey().equals(key)).map(a -> text(a.getValue()))
                .findFirst().orElse("");
    }

    static String describe(Span span) {
        return span.getName() + " " + span.getKind() + " " + span.getAttributesList().stream()
                .map(a -> a.getKey() + "=" + text(a.getValue())).collect(Collectors.joining(", ", "{", "}"));
    }

    @Test
    void oneEncounterIsOneTraceWithoutPhi() throws Exception {
        var response = post("/v1/telephone-encounters", Json.object("patient_mrn", MRN, "provider_id", "12241",
                "location_id", "31", "assigned_to_id", "12220", "reason", "Refill", "caller", CALLER, "message", MESSAGE,
                "refill_medication_name", "lisinopril", "pharmacy_ehr_id", "PH-2001"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode accepted = JSON.readTree(response.body());
        String id = accepted.path("telephone_encounter_id").asText();
        receiver.awaitOne(body -> body.contains(id), Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<Span> spans = OTLP.spans();
            // the intake route's first span: Camel's REST consumer of this POST
            var intake = spans.stream().filter(s -> s.getName().equals("/v1/telephone-encounters")
                    && attribute(s, "http.method").equals("POST")).findFirst();
            assertThat(intake).isPresent();
            List<String> trace = spans.stream().filter(s -> s.getTraceId().equals(intake.get().getTraceId()))
                    .map(TracingTest::describe).toList();
            // the trace's root is the web server's own span of the POST, Camel's REST span inside it
            List<Span> roots = spans.stream().filter(s -> s.getTraceId().equals(intake.get().getTraceId())
                    && s.getParentSpanId().isEmpty()).toList();
            assertThat(roots).as("the trace's root").singleElement()
                    .satisfies(root -> assertThat(describe(root)).startsWith("http post /v1/telephone-encounters SPAN_KIND_SERVER "));
            assertThat(trace).as("the intake route").anyMatch(n -> n.startsWith("intake-telephone-encounter "));
            assertThat(trace).as("the wait on the job queue, and on the delivery queue")
                    .anyMatch(n -> n.startsWith("queue-wait telephone-encounters.requests "))
                    .anyMatch(n -> n.startsWith("queue-wait webhooks.deliver "));
            assertThat(trace).as("the queue hop, both sides").anyMatch(n -> n.startsWith("queue:telephone-encounters.requests ")
                    && n.contains("op=EVENT_SENT")).anyMatch(n -> n.startsWith("queue:telephone-encounters.requests ")
                    && n.contains("op=EVENT_RECEIVED"));
            assertThat(trace).as("the job's routes").anyMatch(n -> n.startsWith("encounter-emr-steps "))
                    .anyMatch(n -> n.startsWith("encounter-outcome ")).anyMatch(n -> n.startsWith("encounter-finish "));
            assertThat(trace).as("the EMR operations and their HTTP calls")
                    .anyMatch(n -> n.startsWith("emr-fhir-r4-find-patient ")).anyMatch(n -> n.startsWith("emr-fhir-r4-write-encounter "))
                    .anyMatch(n -> n.contains("camel.uri=http://fhir-emr") && n.contains("http.status_code=200"));
            assertThat(trace).as("the webhook attempt").anyMatch(n -> n.startsWith("deliver-webhook-attempt "))
                    .anyMatch(n -> n.contains("camel.uri=http://webhook-receiver"));
            System.out.println("trace " + hex(intake.get().getTraceId()) + ":\n  " + String.join("\n  ", trace));
        });
        // what another instrumentation might record (an HTTP client's full URL, an exception's
        // message): the engine's exporter drops it before it leaves
        io.opentelemetry.api.trace.Span leaky = otel.spanBuilder("GET /sandbox/fhir/r4/Patient?identifier=" + MRN)
                .setAttribute("http.url", "http://127.0.0.1/sandbox/fhir/r4/Patient?identifier=" + MRN)
                .setAttribute("url.query", "identifier=" + MRN).setAttribute("caller", CALLER).startSpan();
        leaky.addEvent("exception", Attributes.of(AttributeKey.stringKey("exception.message"), MESSAGE));
        leaky.setAttribute("http.status_code", 200L);
        leaky.end();
        await().atMost(Duration.ofSeconds(60)).until(() -> OTLP.spans().stream()
                .anyMatch(s -> s.getName().startsWith("GET /sandbox/fhir/r4/Patient")));

        List<String> all = new ArrayList<>();
        for (Span span : OTLP.spans()) {
            all.add(span.getName());
            for (KeyValue attribute : span.getAttributesList()) {
                all.add(attribute.getKey() + "=" + text(attribute.getValue()));
            }
            span.getEventsList().forEach(e -> {
                all.add(e.getName());
                e.getAttributesList().forEach(a -> all.add(a.getKey() + "=" + text(a.getValue())));
            });
        }
        assertThat(all).noneMatch(t -> t.contains(MRN) || t.contains(CALLER) || t.contains(MESSAGE)
                || t.contains("Zebulon") || t.contains("Chest pain"));
    }
}
