package org.telenc.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.EngineTest;

/**
 * External broker (docs/operating.md): the engine with no embedded broker, on an ActiveMQ Classic broker in
 * another process, reached by a failover URL with user and password. The whole flow works; the
 * broker is killed and restarted, and the engine reconnects by itself and goes on.
 */
@DirtiesContext // its broker is gone after the class: an engine left retrying it would log for the rest of the run
class ExternalBrokerTest extends EngineTest {

    static final BrokerProcess BROKER;

    static {
        try {
            BROKER = new BrokerProcess();
            // stopped when the JVM ends, after the engine's context (closed after the class) is gone:
            // an engine stopping against a dead broker waits on its reconnect loop for a minute
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    BROKER.close();
                } catch (Exception e) {
                    // the JVM is ending
                }
            }));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void externalBroker(DynamicPropertyRegistry registry) {
        registry.add("engine.broker.embedded", () -> "false");
        registry.add("spring.activemq.broker-url",
                () -> "failover:(" + BROKER.url() + ")?initialReconnectDelay=100&maxReconnectDelay=1000");
        registry.add("engine.broker.user", () -> BrokerProcess.USER);
        registry.add("engine.broker.password", () -> BrokerProcess.PASSWORD);
    }

    String completes(String body) throws Exception {
        var response = post("/v1/telephone-encounters", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String id = JSON.readTree(response.body()).path("telephone_encounter_id").asText();
        JsonNode event = JSON.readTree(receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(60)).bodyText());
        assertThat(event.path("type").asText()).isEqualTo("telephone_encounter.created");
        return id;
    }

    @Test
    void theFlowRunsOnABrokerInAnotherProcessAndSurvivesItsCrash() throws Exception {
        completes(encounterBody("100234", "lisinopril", "PH-2001"));

        BROKER.kill();
        BROKER.start(); // same port and store: the failover transport reconnects
        completes(encounterBody("100236", null, null));
    }
}
