package org.telenc.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;

/**
 * A delivery recorded with its event whose queue message never reached the broker (the job's
 * transaction lost after the database committed, as a broker failover does) is queued again by
 * the sweep, once, and its webhook goes. The whole engine: broker, database, sandbox EMR and a
 * real webhook receiver.
 */
class DeliverySweepTest extends EngineTest {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aRecordedButUnqueuedDeliveryIsQueuedAgainOnceAndItsWebhookGoes() throws Exception {
        var answer = JSON.readTree(post("/v1/telephone-encounters", encounterBody("100234", null, null)).body());
        String id = answer.path("telephone_encounter_id").asText();
        assertThat(id).isNotBlank();
        receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30));
        String delivery = jdbc.queryForObject("""
                select d.id from webhook_delivery d join webhook_event e on e.id = d.event_id
                 where e.encounter_id = ? and d.url = ?""", String.class, id, receiver.url());

        // what a lost transaction leaves: the delivery pending, never attempted, untouched for a while
        jdbc.update("delete from webhook_attempt where delivery_id = ?", delivery);
        jdbc.update("""
                update webhook_delivery set status = 'pending', attempt_count = 0, claimed_until = null,
                       next_attempt_at = null, updated_at = ? where id = ?""",
                Timestamp.from(Instant.now().minus(Duration.ofMinutes(10))), delivery);
        int before = deliveriesOf(id);

        camel.requestBody("direct:delivery-sweep", (Object) null);
        await("the swept delivery sent").atMost(Duration.ofSeconds(30)).until(() -> deliveriesOf(id) == before + 1);
        await("the delivery done").atMost(Duration.ofSeconds(30)).until(() -> "success".equals(
                jdbc.queryForObject("select status from webhook_delivery where id = ?", String.class, delivery)));

        // a second sweep finds nothing: the delivery is done, and no other is left behind
        camel.requestBody("direct:delivery-sweep", (Object) null);
        await("nothing more follows").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> deliveriesOf(id) == before + 1);
    }

    private int deliveriesOf(String encounterId) {
        return (int) receiver.received().stream().filter(r -> r.bodyText().contains(encounterId)).count();
    }
}
