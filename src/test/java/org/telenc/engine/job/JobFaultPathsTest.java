package org.telenc.engine.job;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.admin.AdminAuthenticator;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.WebhookReceiver;
import org.telenc.engine.teamkit.PatientCasesEmr;

/**
 * Any throw in any route a job passes through ends the same way: the broker redelivers the job,
 * spaced as engine.broker.redelivery says (each gap at least 0.8 x its delay), and after the last
 * delivery the job ends {@code failed} ({@code internal_error}) with exactly one webhook, status
 * failed, nothing on the dead-letter queue. Shown for a team before-emr route that always throws
 * (with no route configuration, and with one of its own that has an error handler), and for a YAML
 * adapter route calling a bean method that does not exist. The whole engine: real broker with its
 * scheduler store, database, a real HTTP server as the EMR, a real webhook receiver.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class JobFaultPathsTest extends EngineTest {

    static final int MAXIMUM_REDELIVERIES = 3;
    static final long INITIAL_DELAY_MS = 1000; // the least the broker takes
    static final long MAXIMUM_DELAY_MS = 2000;
    static final String REQUESTS_DLQ = "DLQ.telephone-encounters.requests";
    static final String ADMIN = "Bearer " + AdminAuthenticator.DEMO_TOKEN;
    static final Path TEAM = teamFolder();
    static final PatientCasesEmr EMR = emr();

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ConnectionFactory connectionFactory;

    /** The consumers' "processing ..." lines: one per delivery of a job. */
    final ListAppender<ILoggingEvent> deliveries = new ListAppender<>();

    /**
     * The team folder: the example patient-cases adapter whose find-patient mapping names a result
     * record that does not exist (emrRecords.result('NoSuchRecord', ...): a bean call that resolves, so
     * the check at start-up passes it, and throws on every run), and two before-emr routes that always throw, one with no route
     * configuration and one with a route configuration of its own that redelivers in-route.
     */
    static Path teamFolder() {
        try {
            Path folder = Files.createTempDirectory("job-fault-paths");
            String adapter = Files.readString(Path.of("routes/examples/patient-cases-emr/patient-cases.camel.yaml"));
            String broken = adapter.replace("method: \"result('PatientMatch'", "method: \"result('NoSuchRecord'");
            assertThat(broken).isNotEqualTo(adapter);
            Files.writeString(folder.resolve("patient-cases.camel.yaml"), broken);
            Files.writeString(folder.resolve("always-throws.camel.yaml"), """
                    - route:
                        id: always-throws-before-emr
                        description: a before-emr route that always throws, with no route configuration
                        from:
                          uri: direct:always-throws-before-emr
                          steps:
                            - throwException:
                                exceptionType: java.lang.IllegalStateException
                                message: the team's lookup is down
                    - routeConfiguration:
                        id: team-own-errors
                        errorHandler:
                          defaultErrorHandler:
                            redeliveryPolicy:
                              maximumRedeliveries: 1
                              redeliveryDelay: "10"
                    - route:
                        id: always-throws-own-configuration
                        description: a before-emr route that always throws, with an error handler of its own
                        routeConfigurationId: team-own-errors
                        from:
                          uri: direct:always-throws-own-configuration
                          steps:
                            - throwException:
                                exceptionType: java.lang.IllegalArgumentException
                                message: the team's table is broken
                    """);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PatientCasesEmr emr() {
        try {
            return new PatientCasesEmr();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void spacedRedelivery(DynamicPropertyRegistry registry) {
        ownEngine(registry, "job-fault-paths");
        registry.add("engine.routes.extra-location", TEAM::toString);
        registry.add("engine.broker.redelivery.maximum-redeliveries", () -> String.valueOf(MAXIMUM_REDELIVERIES));
        registry.add("engine.broker.redelivery.initial-delay", () -> INITIAL_DELAY_MS + "ms");
        registry.add("engine.broker.redelivery.maximum-delay", () -> MAXIMUM_DELAY_MS + "ms");
    }

    @AfterAll
    static void stopEmr() {
        EMR.close();
    }

    @BeforeEach
    void watchDeliveries() {
        deliveries.start();
        ((Logger) LoggerFactory.getLogger(JobQueue.class)).addAppender(deliveries);
    }

    @AfterEach
    void noExtensions() {
        ((Logger) LoggerFactory.getLogger(JobQueue.class)).detachAppender(deliveries);
        jdbc.update("update emr_connection set settings = null where name = ?", DemoTenant.CONNECTION_NAME);
    }

    @Test
    void aTeamBeforeEmrRouteThatAlwaysThrowsIsRedeliveredAsScheduledThenFailsOnce() throws Exception {
        beforeEmr("always-throws-before-emr");
        String id = accepted(post("/v1/telephone-encounters", encounterBody("100236", null, null)));
        assertFailedOnceAfterSpacedRedeliveries(id);
    }

    @Test
    void aTeamBeforeEmrRouteWithAnErrorHandlerOfItsOwnEndsTheSameWay() throws Exception {
        beforeEmr("always-throws-own-configuration");
        String id = accepted(post("/v1/telephone-encounters", encounterBody("100236", null, null)));
        assertFailedOnceAfterSpacedRedeliveries(id);
    }

    @Test
    void anAdapterRouteThatThrowsAtRunTimeEndsFailedWithItsWebhookAndNoDeadLetter() throws Exception {
        String token = patientCasesToken();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/telephone-encounters"))
                .header("Content-Type", "application/json").header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET)
                .header("access_token", token).POST(HttpRequest.BodyPublishers.ofString(encounterBody("100236", null, null))));
        String id = accepted(response);
        assertFailedOnceAfterSpacedRedeliveries(id);
        // the adapter's find-patient call ran on every delivery
        assertThat(EMR.requests().stream().filter(r -> r.startsWith("GET ") && r.contains("/patients")).count())
                .isEqualTo(1 + MAXIMUM_REDELIVERIES);
    }

    private void assertFailedOnceAfterSpacedRedeliveries(String id) throws Exception {
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(60)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.failed");
        JsonNode reasons = event.path("data").path("reasons");
        assertThat(reasons).hasSize(1);
        assertThat(reasons.get(0).path("code").asText()).isEqualTo("internal_error");
        assertThat(status(id)).isEqualTo("failed");

        // one "processing" line per delivery (the first and every redelivery), and one more where the
        // failure path rebuilds the job to end it (the last delivery's handler, or the dead-letter consumer)
        List<Long> lines = List.copyOf(deliveries.list).stream()
                .filter(e -> e.getFormattedMessage().startsWith("processing telephone encounter " + id))
                .map(ILoggingEvent::getTimeStamp).toList();
        assertThat(lines).hasSize(2 + MAXIMUM_REDELIVERIES);
        List<Long> times = lines.subList(0, 1 + MAXIMUM_REDELIVERIES);
        long delay = INITIAL_DELAY_MS;
        for (int i = 1; i < times.size(); i++) {
            long gap = times.get(i) - times.get(i - 1);
            assertThat(gap).as("gap before delivery %d (scheduled %d ms)", i + 1, delay).isGreaterThanOrEqualTo(delay * 8 / 10);
            delay = Math.min(delay * 2, MAXIMUM_DELAY_MS);
        }
        // nothing more follows: no second event, no dead letter, the job stays failed
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> events(id) == 1
                && !deadLettered(id) && "failed".equals(status(id)));
        assertThat(jdbc.queryForObject("select count(*) from webhook_event where encounter_id = ?", Integer.class, id))
                .isEqualTo(1);
    }

    private void beforeEmr(String route) {
        jdbc.update("update emr_connection set settings = ? where name = ?",
                JSON.createObjectNode().set("extensions", JSON.createObjectNode().put("before-emr", route)).toString(),
                DemoTenant.CONNECTION_NAME);
    }

    /** A patient-cases connection on the stub EMR, synced, and an access token of the demo client on it. */
    private String patientCasesToken() throws Exception {
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("name", "broken-patient-cases")
                .put("emr_type", "patient-cases").put("base_url", EMR.baseUrl())
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("auth", JSON.createObjectNode().put("type", "bearer")
                        .put("token", PatientCasesEmr.TOKEN))
                .set("settings", JSON.createObjectNode().put("practice_id", PatientCasesEmr.PRACTICE)));
        assertThat(admin("POST", "/admin/v1/connections", body).statusCode()).isEqualTo(200);
        assertThat(admin("POST", "/admin/v1/connections/broken-patient-cases/sync", null).statusCode()).isEqualTo(200);
        HttpResponse<String> issued = admin("POST", "/admin/v1/clients/" + CLIENT_ID + "/access-tokens",
                JSON.writeValueAsString(JSON.createObjectNode().put("connection", "broken-patient-cases")
                        .put("emr_user_ehr_id", "12222").put("access_token_reference_id", "broken-clinic")));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        EMR.reset();
        return JSON.readTree(issued.body()).path("access_token").asText();
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").header("Authorization", ADMIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String accepted(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("telephone_encounter_id").asText();
    }

    private String status(String id) throws Exception {
        return jdbc.queryForObject("select status from telephone_encounter where id = ?", String.class, id);
    }

    private long events(String id) {
        return receiver.received().stream().map(WebhookReceiver.Received::bodyText).filter(b -> b.contains(id)).count();
    }

    private boolean deadLettered(String id) throws Exception {
        try (Connection connection = connectionFactory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = session.createBrowser(session.createQueue(REQUESTS_DLQ));
            List<Message> messages = new ArrayList<>(Collections.list((Enumeration<Message>) browser.getEnumeration()));
            for (Message message : messages) {
                if (((TextMessage) message).getText().contains(id)) {
                    return true;
                }
            }
            return false;
        }
    }
}
