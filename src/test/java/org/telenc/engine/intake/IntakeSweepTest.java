package org.telenc.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.encounter.EncounterRepository;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.tenancy.Secrets;
import org.telenc.engine.tenancy.TenancyRepository;
import org.telenc.engine.support.Json;

/**
 * A crash between storing a request and queueing it: the client's retry with its Idempotency-Key
 * gets the stored answer, and the sweeper queues the request, which then completes once. A request
 * a consumer has started is never swept.
 */
class IntakeSweepTest extends EngineTest {

    static final String BODY = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"}";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TenancyRepository tenancy;
    @Autowired
    EncounterRepository encounters;

    @Test
    void aStoredButUnqueuedRequestIsReplayedToItsClientAndQueuedBySweeping() throws Exception {
        // what an engine killed right after the intake transaction leaves behind
        var token = tenancy.findToken(Secrets.sha256Hex(ACCESS_TOKEN)).orElseThrow();
        String id = Secrets.newId();
        long jobId = encounters.insertAccepted(id, token.clientPk(), token.id(), token.connectionId(), BODY);
        String answer = Json.object("success", true, "message", "Telephone encounter processing. A webhook event will be sent upon completion.",
                "telephone_encounter_id", id, "job_id", String.valueOf(jobId));
        String key = "crash-" + id;
        Timestamp longAgo = Timestamp.from(Instant.now().minus(Duration.ofMinutes(10)));
        jdbc.update("""
                insert into idempotency_key(client_pk, access_token_id, idem_key, request_hash, state, encounter_id,
                                            response_status, response_body, created_at)
                values (?,?,?,?, 'accepting', ?, 200, ?, ?)""", token.clientPk(), token.id(), key, Secrets.sha256Hex(BODY), id,
                answer, longAgo);
        jdbc.update("update telephone_encounter set created_at = ? where id = ?", longAgo, id);

        HttpResponse<String> retry = send(HttpRequest.newBuilder(uri("/v1/telephone-encounters"))
                .header("Content-Type", "application/json").header("client_id", CLIENT_ID).header("client_secret", CLIENT_SECRET)
                .header("access_token", ACCESS_TOKEN).header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(BODY)));
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(retry.body()).path("telephone_encounter_id").asText()).isEqualTo(id);

        camel.requestBody("direct:intake-sweep", (Object) null);
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
        assertThat(event.path("job_id").asText()).isEqualTo(String.valueOf(jobId));

        camel.requestBody("direct:intake-sweep", (Object) null); // finished now: nothing more to sweep
        // held for 1.5 s: a second sweep's job would deliver a second event in this window
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> receiver.received().stream().filter(r -> r.bodyText().contains(id)).count() == 1);
        assertThat(receiver.received().stream().filter(r -> r.bodyText().contains(id)).count()).isEqualTo(1);
    }

    @Test
    void aRequestAConsumerStartedIsNotSwept() throws Exception {
        var response = post("/v1/telephone-encounters", BODY.replace("12241", "12242"));
        String id = JSON.readTree(response.body()).path("telephone_encounter_id").asText();
        receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30));
        assertThat(jdbc.queryForObject("select started_at from telephone_encounter where id = ?", Timestamp.class, id)).isNotNull();
        // even a started request still processing (a deferred EMR retry, say) is left alone
        jdbc.update("update telephone_encounter set status = 'processing', created_at = ? where id = ?",
                Timestamp.from(Instant.now().minus(Duration.ofMinutes(10))), id);
        try {
            assertThat(encounters.sweepUnstarted(Instant.now().minus(Duration.ofMinutes(5)), 1000))
                    .extracting(EncounterRepository.Unstarted::id).doesNotContain(id);
        } finally {
            jdbc.update("update telephone_encounter set status = 'completed' where id = ?", id);
        }
    }
}
