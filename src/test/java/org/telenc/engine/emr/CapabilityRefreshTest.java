package org.telenc.engine.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.annotation.DirtiesContext;
import org.telenc.engine.reference.ReferenceRepository;
import org.telenc.engine.sandbox.DemoTenant;
import org.telenc.engine.sandbox.fhir.SandboxFeatures;
import org.telenc.engine.sandbox.fhir.SandboxFhirServer;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.StatementCounter;
import org.telenc.engine.tenancy.TenancyRepository;

/**
 * The capability flags a job batches by (transaction Bundles, the one-batch order search) follow the
 * EMR's CapabilityStatement while the engine runs: the sandbox EMR loses and regains transactions,
 * and the flags flip within {@code engine.sync.capabilities-period-ms} (here 300 ms) without a
 * sync or a restart; a job run after the loss does not send the Bundle the server now refuses. An
 * unchanged statement writes nothing, so it drops no cached settings.
 */
// closed after the class: its 300 ms refresh timer would otherwise run on beside the next classes'
// engines (and into StatementCounter's counts, which all counting engines share)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class CapabilityRefreshTest extends EngineTest {

    static final String CAPABILITIES_READ = "select capabilities from emr_connection where id = ?";
    static final String CAPABILITIES_WRITE = "update emr_connection set telephone_encounters = ?, capabilities = ?";

    @TestConfiguration
    static class Counting {
        @Bean
        static StatementCounter statementCounter() {
            return new StatementCounter();
        }
    }

    @DynamicPropertySource
    static void engine(DynamicPropertyRegistry registry) {
        ownEngine(registry, "capability-refresh");
        registry.add("engine.sync.capabilities-period-ms", () -> "300");
        registry.add("engine.connections.cache-ttl", () -> "10m"); // only a write drops the flags
    }

    @Autowired
    ServletRegistrationBean<SandboxFhirServer> sandboxFhirServlet;

    @Autowired
    TenancyRepository tenancy;

    @Autowired
    ReferenceRepository references;

    SandboxFeatures sandbox() {
        return sandboxFhirServlet.getServlet().features();
    }

    String connection() {
        return tenancy.findConnectionIdByName(DemoTenant.CONNECTION_NAME).orElseThrow();
    }

    @AfterEach
    void restoreTheSandbox() {
        sandbox().transactions(true);
        await().atMost(Duration.ofSeconds(20)).until(() -> references.batching(connection()).transactions());
    }

    @Test
    void theFlagsFollowTheServerLosingAndRegainingTransactions() throws Exception {
        String connection = connection();
        assertThat(references.batching(connection)).isEqualTo(new ReferenceRepository.Batching(true, true));

        sandbox().transactions(false);
        await().atMost(Duration.ofSeconds(20)).until(() -> references.batching(connection)
                .equals(new ReferenceRepository.Batching(false, false)));
        // a job now goes step by step: a transaction Bundle would be answered 501
        String id = accepted(post("/v1/telephone-encounters", encounterBody("100234", null, null)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode status = JSON.readTree(get("/v1/telephone-encounters/" + id).body()).path("telephone_encounter");
            assertThat(status.path("status").asText()).isEqualTo("completed");
        });

        sandbox().transactions(true);
        await().atMost(Duration.ofSeconds(20)).until(() -> references.batching(connection)
                .equals(new ReferenceRepository.Batching(true, true)));
    }

    @Test
    void anUnchangedStatementWritesNothing() {
        String connection = connection();
        references.batching(connection);
        StatementCounter.reset();
        // after each of several refreshes (each reading the same statement), the flags a job uses
        for (int i = 0; i < 4; i++) {
            long refreshes = StatementCounter.count(CAPABILITIES_WRITE);
            await().atMost(Duration.ofSeconds(20)).until(() -> StatementCounter.count(CAPABILITIES_WRITE) > refreshes);
            assertThat(references.batching(connection).transactions()).isTrue();
        }
        // the flags were never dropped: not read again (one read at most, if a refresh ran just before the reset)
        assertThat(StatementCounter.count(CAPABILITIES_READ)).isLessThanOrEqualTo(1);
    }

    static String accepted(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("telephone_encounter_id").asText();
    }
}
