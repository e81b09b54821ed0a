package org.telenc.engine.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.broker.ProdBrokerProcess;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.TeamRouteFolder;

/**
 * The console's dead letters on an external broker: the production broker (k8s/overlays/prod/activemq.xml
 * as written, TLS, logins and rights; its redelivery limit lowered to one) in a process of its own.
 * A job whose before-emr route always fails is dead-lettered by that broker after its last
 * redelivery (DLQ.telephone-encounters.requests, with the failure and the original destination the
 * broker records): the engine is told of more redeliveries than the broker makes, so it never sees
 * the last one. The engine's dead-letter consumer is stopped so that the letters stay. The console lists them (ids, queue, failure class, job; no body, no PHI),
 * the overview counts them, an operator re-drives one once the route is fixed (its job then ends
 * created, with its webhook) and discards the other; both are audited, and a second re-drive of the
 * same letter is answered "no longer on" at once.
 */
@DirtiesContext // its broker is gone after the class
class ConsoleExternalBrokerDeadLettersTest extends EngineTest {

    static final ProdBrokerProcess BROKER;
    static final Path TEAM_ROUTES = Path.of("target", "test-data", "console-external-dlq-team-routes").toAbsolutePath();
    static final String DLQ = "DLQ.telephone-encounters.requests";
    static final String CALLER = "Philippa Wyndham-Oddsock";
    static final String MESSAGE = "Sorrel-3391 repeat prescription";
    static final String MEDICATION = "lisinopril";
    static final String MRN = "100234";
    static final String FAILURE_TEXT = "the clinic's lookup table is broken";
    static final Pattern OVERVIEW_DEPTH = Pattern.compile("<td>" + Pattern.quote(DLQ) + "</td><td>([^<]*)</td>");

    static {
        TeamRouteFolder.withExamplesAnd(TEAM_ROUTES, "always-gives-up.camel.yaml", """
                - routeConfiguration:
                    id: console-dlq-own-errors
                    errorHandler:
                      defaultErrorHandler:
                        redeliveryPolicy:
                          maximumRedeliveries: 1
                          redeliveryDelay: "10"
                - route:
                    id: console-dlq-always-gives-up
                    description: a before-emr route that always throws, with an error handler of its own that gives up
                    routeConfigurationId: console-dlq-own-errors
                    from:
                      uri: direct:console-dlq-always-gives-up
                      steps:
                        - throwException:
                            exceptionType: java.lang.IllegalArgumentException
                            message: "%s"
                """.formatted(FAILURE_TEXT));
        try {
            BROKER = new ProdBrokerProcess(List.of(), 1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    BROKER.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void productionBroker(DynamicPropertyRegistry registry) {
        ownEngine(registry, "console-external-dlq");
        registry.add("engine.broker.embedded", () -> "false");
        registry.add("spring.activemq.broker-url",
                () -> "failover:(" + BROKER.openWireUrl() + ")?initialReconnectDelay=100&maxReconnectDelay=1000");
        registry.add("engine.broker.user", () -> BROKER.engineUser);
        registry.add("engine.broker.password", () -> BROKER.enginePassword);
        registry.add("engine.broker.trust-store", BROKER.truststore::toString);
        registry.add("engine.broker.trust-store-password", () -> BROKER.truststorePassword);
        registry.add("engine.routes.extra-location", TEAM_ROUTES::toString);
        // more than the broker makes: the engine never sees a job's last delivery and never ends it
        // itself, so the broker dead-letters it (as a broker whose limit was lowered without the engine's)
        registry.add("engine.broker.redelivery.maximum-redeliveries", () -> "3");
        registry.add("engine.broker.redelivery.initial-delay", () -> "1s"); // the broker's least
        registry.add("engine.broker.redelivery.maximum-delay", () -> "1s");
    }

    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void restore() throws Exception {
        jdbc.update("update emr_connection set settings = null where name = ?", DemoTenant.CONNECTION_NAME);
        camel.getCamelContext().getRouteController().startRoute("encounter-dead-letters");
    }

    /** An accepted encounter with PHI in every free-text field: its telephone_encounter_id and job id. */
    String[] accepted() throws Exception {
        String body = JSON.createObjectNode().put("patient_mrn", MRN).put("provider_id", "12241").put("location_id", "31")
                .put("assigned_to_id", "12220").put("refill_medication_name", MEDICATION).put("pharmacy_ehr_id", "PH-2001")
                .put("caller", CALLER).put("message", MESSAGE).toString();
        HttpResponse<String> accepted = post("/v1/telephone-encounters", body);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        var answer = JSON.readTree(accepted.body());
        return new String[] {answer.path("telephone_encounter_id").asText(), answer.path("job_id").asText()};
    }

    @Test
    void anOperatorListsRedrivesAndDiscardsRealDeadLettersOfTheExternalBroker() throws Exception {
        camel.getCamelContext().getRouteController().stopRoute("encounter-dead-letters");
        jdbc.update("update emr_connection set settings = ? where name = ?", JSON.createObjectNode()
                .set("extensions", JSON.createObjectNode().put("before-emr", "console-dlq-always-gives-up")).toString(),
                DemoTenant.CONNECTION_NAME);
        String[] redriven = accepted();
        String[] discarded = accepted();

        ConsoleBrowser viewer = ConsoleBrowser.loggedIn(port, ConsoleTest.VIEWER, "demo-viewer-password");
        await("both jobs dead-lettered by the broker").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    String page = viewer.get("/console/dead-letters").body();
                    return ConsoleTest.deadLetterOf(page, DLQ, redriven[1]) != null
                            && ConsoleTest.deadLetterOf(page, DLQ, discarded[1]) != null;
                });
        String page = viewer.get("/console/dead-letters").body();
        String toRedrive = ConsoleTest.deadLetterOf(page, DLQ, redriven[1]);
        String toDiscard = ConsoleTest.deadLetterOf(page, DLQ, discarded[1]);
        // the row: id, queue, sent, the failure's kind as the broker recorded it (never its text), the job's link
        String row = row(page, toRedrive);
        assertThat(row).contains("<td>" + toRedrive + "</td>", "<td>" + DLQ + "</td>", "/console/jobs/" + redriven[1] + "\"");
        assertThat(failure(row)).as("the failure column").isNotEqualTo("unknown").matches("[A-Za-z0-9_.$ ]+");
        assertThat(page).doesNotContain(MRN, CALLER, MESSAGE, MEDICATION, FAILURE_TEXT, redriven[0], discarded[0],
                "Re-drive", "Discard");
        assertThat(page.substring(page.indexOf("<main>"))).as("no body: the letters' JSON").doesNotContain("{", "\"job_id\"");

        // the overview counts them: a number, not "unknown"
        Matcher depth = OVERVIEW_DEPTH.matcher(viewer.get("/console").body());
        assertThat(depth.find()).as("the overview's row of " + DLQ).isTrue();
        assertThat(depth.group(1)).matches("\\d+");
        assertThat(Integer.parseInt(depth.group(1))).isGreaterThanOrEqualTo(2);

        ConsoleBrowser operator = ConsoleBrowser.loggedIn(port, ConsoleTest.OPERATOR, "demo-operator-password");
        assertThat(operator.get("/console/dead-letters").body()).contains("Re-drive", "Discard");
        HttpResponse<String> confirm = operator.post("/console/dead-letters/redrive", Map.of("queue", DLQ, "message", toRedrive));
        assertThat(confirm.body()).contains("Re-drive this message?");
        assertThat(ConsoleTest.deadLetterOf(operator.get("/console/dead-letters").body(), DLQ, redriven[1]))
                .as("nothing moved before the confirmation").isEqualTo(toRedrive);

        // the cause fixed, the re-driven letter goes back to its queue and the job runs to its end
        jdbc.update("update emr_connection set settings = null where name = ?", DemoTenant.CONNECTION_NAME);
        assertThat(operator.post("/console/dead-letters/redrive", Map.of("queue", DLQ, "message", toRedrive, "confirmed", "yes",
                "reason", "TICKET-41 lookup fixed")).statusCode()).isEqualTo(302);
        assertThat(operator.get("/console/dead-letters").body()).contains("Message queued again.");
        String event = receiver.awaitOne(b -> b.contains(redriven[0]), Duration.ofSeconds(60)).bodyText();
        assertThat(JSON.readTree(event).path("type").asText()).isEqualTo("telephone_encounter.created");

        assertThat(operator.post("/console/dead-letters/discard", Map.of("queue", DLQ, "message", toDiscard, "confirmed", "yes",
                "reason", "TICKET-41 duplicate")).statusCode()).isEqualTo(302);
        String after = operator.get("/console/dead-letters").body();
        assertThat(after).contains("Message discarded.");
        assertThat(ConsoleTest.deadLetterOf(after, DLQ, redriven[1])).isNull();
        assertThat(ConsoleTest.deadLetterOf(after, DLQ, discarded[1])).isNull();

        // a letter gone already: answered at once (the browse read the whole queue), not after the take's wait
        long start = System.nanoTime();
        assertThat(operator.post("/console/dead-letters/redrive", Map.of("queue", DLQ, "message", toRedrive, "confirmed", "yes",
                "reason", "TICKET-41 again")).statusCode()).isEqualTo(302);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(operator.get("/console/dead-letters").body()).contains("The message is no longer on " + DLQ + ".");

        assertThat(jdbc.queryForList("select operation || ' ' || outcome || ' ' || reason from audit_log where actor = ?"
                + " and operation like 'console-%-dead-letter'", String.class, ConsoleTest.OPERATOR)).containsExactlyInAnyOrder(
                "console-redrive-dead-letter queued to telephone-encounters.requests TICKET-41 lookup fixed",
                "console-discard-dead-letter discarded TICKET-41 duplicate",
                "console-redrive-dead-letter not found in " + DLQ + " TICKET-41 again");
    }

    static String row(String page, String messageId) {
        for (String row : page.split("<tr>")) {
            if (row.contains("<td>" + messageId + "</td>")) {
                return row;
            }
        }
        throw new AssertionError("no row of " + messageId);
    }

    /** The fourth cell: id, queue, sent, failure. */
    static String failure(String row) {
        Matcher cells = Pattern.compile("<td>([^<]*)</td>").matcher(row);
        for (int i = 0; i < 4; i++) {
            assertThat(cells.find()).isTrue();
        }
        return cells.group(1);
    }
}
