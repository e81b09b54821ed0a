package org.telenc.engine.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.StatementCounter;

/**
 * SQL statements per accepted request and per processed job (its EMR work, outcome and webhook
 * delivery), counted on their way to the real H2 database, and how many of them read settings
 * that only operators change (clients, access tokens, EMR connections, webhook endpoints). Prints
 * the figures and the statements; asserts no figure.
 *
 * <pre>
 * mvn -B -q test -Dtest=SettingsReadsBench -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * ({@code -Dengine.bench.settings-ttl=0s} gives the figures with every settings cache off.)
 */
class SettingsReadsBench extends EngineTest {

    static final int REQUESTS = 40;

    @TestConfiguration
    static class Counting {
        @Bean
        static StatementCounter statementCounter() {
            return new StatementCounter();
        }
    }

    @DynamicPropertySource
    static void engine(DynamicPropertyRegistry registry) {
        ownEngine(registry, "settings-reads-bench");
        registry.add("engine.connections.cache-ttl", () -> System.getProperty("engine.bench.settings-ttl", "10m"));
    }

    @Test
    void printsStatementsPerRequestAndPerJob() throws Exception {
        awaitFinished(List.of(accepted(post("/v1/telephone-encounters", encounterBody("100234", null, null)))));
        awaitDelivered();
        // intake alone: the job consumer stopped, the requests wait on the queue
        context.getRouteController().stopRoute(JOB_CONSUMER);
        StatementCounter.reset();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            ids.add(accepted(post("/v1/telephone-encounters", encounterBody(i % 2 == 0 ? "100234" : "100235", null, null))));
        }
        Map<String, Long> intake = StatementCounter.all();
        // then the jobs: processing, outcome, webhook deliveries
        StatementCounter.reset();
        context.getRouteController().startRoute(JOB_CONSUMER);
        awaitFinishedWithoutCounting(ids);
        awaitDelivered();
        Map<String, Long> jobs = StatementCounter.all();
        print("per accepted request (intake)", intake);
        print("per processed job (EMR work, outcome, webhook deliveries to the client's 2 URLs)", jobs);
    }

    /** Marks this class's own polls, which are left out of the figures. */
    static final String BENCH = "/* bench */ ";
    static final java.util.regex.Pattern SETTINGS_READ = java.util.regex.Pattern.compile(
            "^select\\b.*\\b(from|join)\\s+(api_client|access_token|emr_connection|webhook_endpoint)\\b", java.util.regex.Pattern.DOTALL);

    static void print(String title, Map<String, Long> all) {
        Map<String, Long> counts = new java.util.TreeMap<>(all);
        counts.keySet().removeIf(sql -> sql.startsWith(BENCH));
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        long settings = counts.entrySet().stream().filter(e -> settingsRead(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        System.out.printf(Locale.ROOT, "%n== %s: %.2f statements, of which %.2f read settings (%d requests)%n", title,
                (double) total / REQUESTS, (double) settings / REQUESTS, REQUESTS);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "  %6.2f %s %s%n", (double) e.getValue() / REQUESTS,
                        settingsRead(e.getKey()) ? "S" : " ", oneLine(e.getKey())));
    }

    static boolean settingsRead(String sql) {
        return SETTINGS_READ.matcher(sql.toLowerCase(Locale.ROOT).strip()).find();
    }

    static String oneLine(String sql) {
        String text = sql.replaceAll("\\s+", " ").strip();
        return text.length() > 150 ? text.substring(0, 150) + "..." : text;
    }

    String accepted(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("telephone_encounter_id").asText();
    }

    /** Waits for the jobs through the database, uncounted (a status poll would count as intake work). */
    void awaitFinishedWithoutCounting(List<String> ids) {
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(new org.springframework.jdbc.core.JdbcTemplate(
                dataSource).queryForObject(BENCH + "select count(*) from telephone_encounter where status = 'processing'", Long.class))
                .isZero());
    }

    void awaitFinished(List<String> ids) {
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            for (String id : ids) {
                JsonNode status = JSON.readTree(get("/v1/telephone-encounters/" + id).body()).path("telephone_encounter");
                assertThat(status.path("status").asText()).isEqualTo("completed");
            }
        });
    }

    /** Until every webhook delivery is done, so its statements are counted with the job's. */
    void awaitDelivered() {
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(new org.springframework.jdbc.core.JdbcTemplate(
                dataSource).queryForObject(BENCH + "select count(*) from webhook_delivery where status = 'pending'",
                        Long.class)).isZero());
    }

    static final String JOB_CONSUMER = "process-telephone-encounter";

    @org.springframework.beans.factory.annotation.Autowired
    javax.sql.DataSource dataSource;

    @org.springframework.beans.factory.annotation.Autowired
    org.apache.camel.CamelContext context;
}
