package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.telenc.engine.emr.EmrAdapters;
import org.telenc.engine.emr.EmrCapabilities;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.observability.EmrSyncStatus;
import org.telenc.engine.reference.ReferenceRepository;
import org.telenc.engine.emr.ReferenceRecords;
import org.telenc.engine.reference.ReferenceSync;

/**
 * Reference sync (routes/flows/sync.camel.yaml) on a Camel-only context (see {@link DeliverRouteTest}
 * for the idiom). The real {@link ReferenceSync}, {@link EmrAdapters} and {@link EmrSyncStatus}; the
 * database behind them (the connection list, the reference tables) is stubbed. Two stand-in adapters,
 * plain routes named as an adapter's operations are, answer through mock endpoints:
 * {@code stub-emr} has the optional read-capabilities operation, {@code pull-only} has not.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = SyncRouteTest.Beans.class, properties = "camel.main.routes-include-pattern=file:routes/flows/sync.camel.yaml")
class SyncRouteTest {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CamelAutoConfiguration.class)
    @Import({ReferenceSync.class, EmrAdapters.class, EmrSyncStatus.class})
    static class Beans {

        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }

        /** Stand-in adapters: what a routes/emr/&lt;type&gt;.camel.yaml would define, answering through mocks. */
        @Bean
        RouteBuilder standInAdapters() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:emr-stub-emr-read-capabilities").routeId("emr-stub-emr-read-capabilities")
                            .to("mock:read-capabilities");
                    from("direct:emr-stub-emr-pull-references").routeId("emr-stub-emr-pull-references")
                            .to("mock:pull-references");
                    from("direct:emr-pull-only-pull-references").routeId("emr-pull-only-pull-references")
                            .to("mock:pull-references");
                }
            };
        }
    }

    static final EmrConnection ALPHA = connection("conn-alpha", "stub-emr");
    static final EmrConnection BETA = connection("conn-beta", "stub-emr");
    static final EmrConnection GAMMA = connection("conn-gamma", "pull-only");
    static final EmrConnection NO_ADAPTER = connection("conn-none", "no-such-emr");
    static final ReferenceRecords.Snapshot SNAPSHOT = new ReferenceRecords.Snapshot(List.of(), List.of(), List.of(), List.of(),
            List.of());
    static final EmrCapabilities CAPABILITIES = new EmrCapabilities("4.0.1", true, true);

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    EmrSyncStatus syncStatus;
    @MockitoBean
    EmrConnections connections;
    @MockitoBean
    ReferenceRepository references;

    @EndpointInject("mock:read-capabilities")
    MockEndpoint readCapabilities;
    @EndpointInject("mock:pull-references")
    MockEndpoint pullReferences;

    @BeforeEach
    void weaveAndStart() throws Exception {
        if (camel.isStarted()) {
            return;
        }
        // the timer becomes a direct: endpoint the test ticks
        AdviceWith.adviceWith(camel, "reference-sync-timer", route -> route.replaceFromWith("direct:reference-sync-tick"));
        camel.start();
    }

    @AfterEach
    void resetMocks() {
        MockEndpoint.resetMocks(camel);
    }

    private static EmrConnection connection(String id, String emrType) {
        return new EmrConnection(id, emrType, "https://emr.test/" + id, EmrConnection.FhirSettings.defaults(), EmrAuthSettings.none(),
                "active");
    }

    private static String connectionOf(Exchange exchange) {
        return exchange.getProperty(ExchangeProperties.EMR_CONNECTION, EmrConnection.class).id();
    }

    private void adaptersAnswer() {
        readCapabilities.whenAnyExchangeReceived(exchange -> exchange.getMessage().setBody(CAPABILITIES));
        pullReferences.whenAnyExchangeReceived(exchange -> exchange.getMessage().setBody(SNAPSHOT));
    }

    @Test
    void eachConnectionWithAnAdapterIsPulledOnTheTimerTick() throws Exception {
        when(connections.active()).thenReturn(List.of(ALPHA, BETA, GAMMA, NO_ADAPTER));
        adaptersAnswer();
        pullReferences.expectedMessageCount(3);
        pullReferences.expectedPropertyValuesReceivedInAnyOrder(ExchangeProperties.EMR_CONNECTION, List.of(ALPHA, BETA, GAMMA));
        // the optional operation only where the adapter has it
        readCapabilities.expectedMessageCount(2);
        readCapabilities.expectedPropertyValuesReceivedInAnyOrder(ExchangeProperties.EMR_CONNECTION, List.of(ALPHA, BETA));

        producer.sendBody("direct:reference-sync-tick", null);

        MockEndpoint.assertIsSatisfied(camel);
        // the adapter's answers are written for the connection they came from
        verify(references).recordCapabilities("conn-alpha", CAPABILITIES);
        verify(references).recordCapabilities("conn-beta", CAPABILITIES);
        verify(references).apply("conn-alpha", SNAPSHOT);
        verify(references).apply("conn-beta", SNAPSHOT);
        verify(references).apply("conn-gamma", SNAPSHOT);
        verify(references, never()).apply(eq("conn-none"), any());
        for (EmrConnection c : List.of(ALPHA, BETA, GAMMA)) {
            assertThat(syncStatus.lastAttempt(c.id())).hasValueSatisfying(a -> assertThat(a.failed()).isFalse());
        }
    }

    @Test
    void aFailingConnectionIsRecordedAsFailedAndTheOthersAreStillPulled() throws Exception {
        EmrConnection failing = connection("conn-failing", "stub-emr");
        when(connections.active()).thenReturn(List.of(failing, GAMMA));
        readCapabilities.whenAnyExchangeReceived(exchange -> exchange.getMessage().setBody(CAPABILITIES));
        pullReferences.whenAnyExchangeReceived(exchange -> {
            if ("conn-failing".equals(connectionOf(exchange))) {
                throw new IllegalStateException("EMR answered HTTP 503");
            }
            exchange.getMessage().setBody(SNAPSHOT);
        });
        pullReferences.expectedMessageCount(2);

        producer.sendBody("direct:reference-sync", null);

        MockEndpoint.assertIsSatisfied(camel);
        verify(references, never()).apply(eq("conn-failing"), any());
        verify(references).apply("conn-gamma", SNAPSHOT);
        assertThat(syncStatus.lastAttempt("conn-failing")).hasValueSatisfying(a -> assertThat(a.failed()).isTrue());
        assertThat(syncStatus.lastAttempt("conn-gamma")).hasValueSatisfying(a -> assertThat(a.failed()).isFalse());
    }

    @Test
    void capabilitiesThatCannotBeReadAreKeptAndTheReferencesStillPulled() throws Exception {
        EmrConnection blind = connection("conn-blind", "stub-emr");
        when(connections.active()).thenReturn(List.of(blind));
        readCapabilities.whenAnyExchangeReceived(exchange -> {
            throw new IllegalStateException("no CapabilityStatement");
        });
        pullReferences.whenAnyExchangeReceived(exchange -> exchange.getMessage().setBody(SNAPSHOT));
        pullReferences.expectedMessageCount(1);
        // the pull gets the connection as its body again, not what the failed read left behind
        pullReferences.message(0).body().isEqualTo(blind);

        producer.sendBody("direct:reference-sync", null);

        MockEndpoint.assertIsSatisfied(camel);
        verify(references, never()).recordCapabilities(any(), any());
        verify(references).apply("conn-blind", SNAPSHOT);
        assertThat(syncStatus.lastAttempt("conn-blind")).hasValueSatisfying(a -> assertThat(a.failed()).isFalse());
    }

    @Test
    void onDemandSyncPullsOnlyTheConnectionAskedFor() throws Exception {
        when(connections.active()).thenReturn(List.of(ALPHA, GAMMA));
        adaptersAnswer();
        pullReferences.expectedMessageCount(1);
        pullReferences.expectedPropertyValuesReceivedInAnyOrder(ExchangeProperties.EMR_CONNECTION, List.of(GAMMA));

        producer.sendBodyAndHeader("direct:reference-sync", null, "syncConnectionId", "conn-gamma");

        MockEndpoint.assertIsSatisfied(camel);
        verify(references, never()).apply(eq("conn-alpha"), any());
    }
}
