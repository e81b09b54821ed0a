package org.telenc.engine.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;

/**
 * The deliveries page's time filter (from / to in UTC, or the last 1 h / 24 h / 7 d) narrows the
 * list, the bulk recovery's dry-run count and the recovery itself alike; a time that does not
 * parse refuses the filter instead of widening it.
 */
class ConsoleDeliveryTimeFilterTest extends EngineTest {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theTimeFilterNarrowsTheListTheDryRunAndTheRecovery() throws Exception {
        HttpResponse<String> accepted = post("/v1/telephone-encounters", encounterBody("100234", "lisinopril", "PH-2001"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String encounter = JSON.readTree(accepted.body()).path("telephone_encounter_id").asText();
        receiver.awaitOne(b -> b.contains(encounter), Duration.ofSeconds(30));
        String delivery = jdbc.queryForObject("""
                select d.id from webhook_delivery d join webhook_event ev on ev.id = d.event_id
                 where ev.encounter_id = ? and d.url = ?""", String.class, encounter, receiver.url());
        // a delivery that failed long ago, at 2020-01-01T10:00Z
        jdbc.update("update webhook_delivery set status = 'failed', created_at = ? where id = ?",
                java.sql.Timestamp.from(Instant.parse("2020-01-01T10:00:00Z")), delivery);

        ConsoleBrowser operator = ConsoleBrowser.loggedIn(port, "demo-operator", "demo-operator-password");
        assertThat(operator.get("/console/deliveries?status=failed&from=2020-01-01T09:00&to=2020-01-01T11:00").body())
                .contains(delivery);
        assertThat(operator.get("/console/deliveries?status=failed&from=2020-01-01T10:00:01").body()).doesNotContain(delivery);
        assertThat(operator.get("/console/deliveries?status=failed&to=2020-01-01T10:00").body()).as("to is exclusive")
                .doesNotContain(delivery);
        assertThat(operator.get("/console/deliveries?since=7d").body()).doesNotContain(delivery);
        String lastHour = operator.get("/console/deliveries?since=1h").body();
        assertThat(lastHour).doesNotContain(delivery).contains("<option value=\"1h\" selected=\"selected\">1h</option>");

        HttpResponse<String> inRange = operator.post("/console/deliveries/recover",
                Map.of("from", "2020-01-01T09:00", "to", "2020-01-01T11:00"));
        assertThat(inRange.statusCode()).isEqualTo(200);
        assertThat(inRange.body()).contains("1 failed deliveries match", "name=\"from\" value=\"2020-01-01T09:00\"",
                "name=\"to\" value=\"2020-01-01T11:00\"");
        assertThat(operator.post("/console/deliveries/recover", Map.of("to", "2020-01-01T10:00")).body())
                .contains("0 failed deliveries match");
        // both bounds apply: the last 24 h and before 2020-01-01T11:00 leave nothing (other tests' failed
        // deliveries in this engine are recent, this one is old)
        assertThat(operator.post("/console/deliveries/recover", Map.of("since", "24h", "to", "2020-01-01T11:00")).body())
                .contains("0 failed deliveries match");

        operator.get("/console/deliveries");
        assertThat(operator.post("/console/deliveries/recover", Map.of("confirmed", "yes", "reason", "TIME-1 too early",
                "to", "2020-01-01T10:00")).statusCode()).isEqualTo(302);
        assertThat(operator.get("/console/deliveries").body()).contains("0 deliveries queued again.");
        assertThat(operator.post("/console/deliveries/recover", Map.of("confirmed", "yes", "reason", "TIME-2 the outage",
                "from", "2020-01-01T09:00", "to", "2020-01-01T11:00")).statusCode()).isEqualTo(302);
        assertThat(operator.get("/console/deliveries").body()).contains("1 deliveries queued again.");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> receiver.received().stream().filter(r -> r.bodyText().contains(encounter)).count() == 2);

        HttpResponse<String> refused = operator.get("/console/deliveries?from=yesterday");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("from must be a UTC date and time");
        assertThat(operator.get("/console/deliveries?since=forever").statusCode()).isEqualTo(400);
        assertThat(operator.post("/console/deliveries/recover", Map.of("confirmed", "yes", "reason", "x", "to", "soon"))
                .statusCode()).as("a recovery whose filter does not parse").isEqualTo(400);
    }
}
