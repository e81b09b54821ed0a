package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockComponent;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.telenc.engine.action.ActionEvents;
import org.telenc.engine.action.ActionJob;
import org.telenc.engine.action.ActionJobs;
import org.telenc.engine.action.ActionOutcome;
import org.telenc.engine.action.ActionRepository;
import org.telenc.engine.config.EngineProperties;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.extension.Extensions;
import org.telenc.engine.teamroutes.TeamRouteSwaps;
import org.telenc.engine.emr.EmrOperations;
import org.telenc.engine.emr.EmrOperations.EncounterCreated;
import org.telenc.engine.emr.EmrOperations.EncounterDetailsAdded;
import org.telenc.engine.emr.EmrOperations.EncounterRead;
import org.telenc.engine.emr.EmrOperations.NoteCreated;
import org.telenc.engine.emr.EmrOperations.PatientMatch;
import org.telenc.engine.emr.EmrOperations.PharmacyEnsured;
import org.telenc.engine.emr.EmrOperations.RefillAdded;
import org.telenc.engine.emr.EmrOperations.RefillableMedication;
import org.telenc.engine.emr.EmrOperations.RefillableMedications;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.encounter.EncounterEvents;
import org.telenc.engine.encounter.EncounterJob;
import org.telenc.engine.encounter.EncounterJobs;
import org.telenc.engine.encounter.EncounterRepository;
import org.telenc.engine.encounter.EncounterRequests;
import org.telenc.engine.encounter.MedicationMatcher;
import org.telenc.engine.encounter.Outcome;
import org.telenc.engine.job.EmrFailures;
import org.telenc.engine.job.EmrRetryPolicy;
import org.telenc.engine.job.JobChecks;
import org.telenc.engine.job.JobFaults;
import org.telenc.engine.job.JobQueue;
import org.telenc.engine.observability.EngineMeters;
import org.telenc.engine.observability.FlowMeters;
import org.telenc.engine.reference.ReferenceRepository;
import org.telenc.engine.tenancy.TenancyRepository;
import org.telenc.engine.webhook.WebhookDeliveries;

/**
 * Job processing for both kinds, the {@code process-job} and {@code job-retry-later} templates
 * (routes/flows/process-job.camel.yaml) as routes/flows/process.camel.yaml and
 * process-action.camel.yaml instantiate them, with each kind's EMR steps and finish, on a
 * Camel-only context (see {@link DeliverRouteTest} for the idiom). The job beans are the real ones
 * ({@link EncounterJobs}, {@link ActionJobs}, {@link JobQueue}, {@link EmrFailures} with the real
 * retry policy, {@link MedicationMatcher}); their database (the repositories, the connection list,
 * the reference rows) is stubbed, and so are the outcome recorders ({@link EncounterEvents},
 * {@link ActionEvents}) and {@link WebhookDeliveries}, which write the outbox. The broker consumers
 * become {@code direct:} endpoints, the sends to the broker mocks; the adapter is a stand-in, one
 * route per operation named as the FHIR adapter's ({@code direct:emr-fhir-r4-<operation>}),
 * answering through a mock with the result records of {@link EmrOperations}.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = ProcessRouteTest.Beans.class, properties = {
        "camel.main.routes-include-pattern=file:routes/flows/process-job.camel.yaml,file:routes/flows/process.camel.yaml,"
                + "file:routes/flows/process-action.camel.yaml,file:routes/_shared/job-faults.camel.yaml,"
                + "file:routes/_shared/emr-call-retries.camel.yaml",
        "engine.emr.retry.jitter=0"})
class ProcessRouteTest {

    static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
    static final List<String> OPERATIONS = List.of("find-patient", "list-refillable-medications", "create-encounter",
            "add-encounter-details", "add-refill", "ensure-patient-pharmacy", "read-encounter", "add-encounter-note");

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CamelAutoConfiguration.class)
    @EnableConfigurationProperties(EngineProperties.class)
    @Import({EncounterJobs.class, EncounterRequests.class, ActionJobs.class, JobChecks.class, JobQueue.class, EmrFailures.class,
            EmrRetryPolicy.class, JobFaults.class, MedicationMatcher.class, FlowMeters.class, EngineMeters.class,
            Extensions.class, TeamRouteSwaps.class})
    static class Beans {

        @Bean
        Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }

        @Bean
        ObjectMapper objectMapper() {
            return new ObjectMapper();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        /**
         * The broker, for the sends no test reaches (the dead-letter steps of the job-faults route
         * configurations, which AdviceWith cannot weave): any {@code activemq:} endpoint left is a mock.
         */
        @Bean("activemq")
        MockComponent activemq() {
            return new MockComponent();
        }

        /** The FHIR adapter's job operations, stood in for: each answers through mock:&lt;operation&gt;. */
        @Bean
        RouteBuilder standInAdapter() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    for (String operation : OPERATIONS) {
                        from("direct:emr-fhir-r4-" + operation).routeId("emr-fhir-r4-" + operation).to("mock:" + operation);
                    }
                }
            };
        }
    }

    static final EmrConnection CONNECTION = new EmrConnection("conn-1", "fhir-r4", "https://emr.test/fhir",
            EmrConnection.FhirSettings.defaults(), EmrAuthSettings.none(), "active");
    static final String ENCOUNTER_MESSAGE = "{\"telephone_encounter_id\":\"te-1\",\"job_id\":\"41\"}";
    static final String ACTION_MESSAGE = "{\"action_id\":\"ac-1\",\"job_id\":\"42\"}";
    static final String REQUEST = "{\"patient_mrn\":\"100236\",\"provider_id\":\"12241\",\"location_id\":\"31\",\"assigned_to_id\":\"12220\"";
    static final String DELIVERY = "{\"delivery_id\":\"dlv-1\"}";

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @MockitoBean
    EncounterRepository encounters;
    @MockitoBean
    ActionRepository actions;
    @MockitoBean
    ReferenceRepository references;
    @MockitoBean
    TenancyRepository tenancy;
    @MockitoBean
    EmrConnections connections;
    @MockitoBean(name = "encounterEvents")
    EncounterEvents encounterEvents;
    @MockitoBean(name = "actionEvents")
    ActionEvents actionEvents;
    @MockitoBean(name = "webhookDeliveries")
    WebhookDeliveries webhookDeliveries;

    @EndpointInject("mock:find-patient")
    MockEndpoint findPatient;
    @EndpointInject("mock:list-refillable-medications")
    MockEndpoint listMedications;
    @EndpointInject("mock:create-encounter")
    MockEndpoint createEncounter;
    @EndpointInject("mock:add-encounter-details")
    MockEndpoint addDetails;
    @EndpointInject("mock:add-refill")
    MockEndpoint addRefill;
    @EndpointInject("mock:ensure-patient-pharmacy")
    MockEndpoint ensurePharmacy;
    @EndpointInject("mock:read-encounter")
    MockEndpoint readEncounter;
    @EndpointInject("mock:add-encounter-note")
    MockEndpoint addNote;
    @EndpointInject("mock:requeue-telephone-encounter")
    MockEndpoint requeueEncounter;
    @EndpointInject("mock:requeue-telephone-encounter-action")
    MockEndpoint requeueAction;
    /** Every kind's outcome queues its deliveries through the one route queue-webhook-deliveries. */
    @EndpointInject("mock:queue-webhook-delivery")
    MockEndpoint deliveries;

    @BeforeEach
    void weaveAndStart() throws Exception {
        if (camel.isStarted()) {
            return;
        }
        AdviceWith.adviceWith(camel, "process-telephone-encounter",
                route -> route.replaceFromWith("direct:telephone-encounters.requests"));
        AdviceWith.adviceWith(camel, "process-telephone-encounter-action",
                route -> route.replaceFromWith("direct:telephone-encounters.actions"));
        AdviceWith.adviceWith(camel, "encounter-retry-later", route -> replaceRequeueStep(route, "requeue-telephone-encounter"));
        AdviceWith.adviceWith(camel, "action-retry-later", route -> replaceRequeueStep(route, "requeue-telephone-encounter-action"));
        AdviceWith.adviceWith(camel, "queue-webhook-deliveries",
                route -> route.weaveById("queue-webhook-delivery").replace().to("mock:queue-webhook-delivery"));
        camel.start();
    }

    /**
     * Replaces the re-queue by a mock named as its step id. A templated route's definition still
     * holds the template's placeholders before Camel starts (see {@link IntakeRouteTest}), so the
     * step is found as the route's one send to the broker and the instance's step id is checked.
     */
    static void replaceRequeueStep(AdviceWithRouteBuilder route, String stepId) {
        assertThat(route.getOriginalRoute().getTemplateParameters()).containsEntry("requeueId", stepId);
        route.weaveByToUri("activemq:*").replace().to("mock:" + stepId);
    }

    @BeforeEach
    void storage() {
        when(connections.get("conn-1")).thenReturn(CONNECTION);
        when(tenancy.tokenReferenceId("token-1")).thenReturn("token-ref-1");
        when(tenancy.tokenEmrUserEhrId("token-1")).thenReturn("user-1");
        when(webhookDeliveries.queueMessages(any())).thenReturn(List.of(DELIVERY));
    }

    @AfterEach
    void resetMocks() {
        MockEndpoint.resetMocks(camel);
    }

    private void storedEncounter(String status, String extraFields) {
        when(encounters.find("te-1")).thenReturn(Optional.of(new EncounterRepository.EncounterRow("te-1", 41, "client-pk-1", "token-1",
                "conn-1", status, null, null, NOW.minusSeconds(60), NOW.minusSeconds(60))));
        when(encounters.payload("te-1")).thenReturn(Optional.of(REQUEST + extraFields + "}"));
    }

    private void storedAction(String status) {
        when(actions.find("ac-1")).thenReturn(Optional.of(new ActionRepository.ActionRow("ac-1", 42, "client-pk-1", "token-1",
                "conn-1", "enc-1", "{\"text\":\"Called back\"}", status, null, null, NOW.minusSeconds(60), NOW.minusSeconds(60))));
        // the encounter is one this client's own requests created (ActionJobs opens no other)
        when(actions.createdByClient("client-pk-1", "conn-1", "enc-1")).thenReturn(true);
    }

    /** The operation answers with this result record, after checking it got the job's connection. */
    private static void answers(MockEndpoint operation, Object result) {
        operation.whenAnyExchangeReceived(exchange -> {
            assertThat(exchange.getProperty(ExchangeProperties.EMR_CONNECTION)).isEqualTo(CONNECTION);
            exchange.getMessage().setBody(result);
        });
    }

    private static void fails(MockEndpoint operation, Exception failure) {
        operation.whenAnyExchangeReceived((Processor) exchange -> {
            throw failure;
        });
    }

    /** The EMR steps up to a created encounter: the patient, the encounter and its details. */
    private void encounterCreatable() {
        answers(findPatient, new PatientMatch(List.of("pat-1")));
        answers(createEncounter, new EncounterCreated("enc-1"));
        answers(addDetails, new EncounterDetailsAdded("enc-1"));
    }

    private Exchange consume(String queue, String message) {
        return producer.send("direct:" + queue, exchange -> {
            exchange.getMessage().setHeader(MessageHeaders.JMSX_GROUP_ID, "group-1");
            exchange.getMessage().setBody(message);
        });
    }

    private EncounterJob recorded(String how) {
        ArgumentCaptor<EncounterJob> job = ArgumentCaptor.forClass(EncounterJob.class);
        switch (how) {
            case "created" -> verify(encounterEvents).created(job.capture());
            case "createdPartial" -> verify(encounterEvents).createdPartial(job.capture());
            default -> verify(encounterEvents).failed(job.capture());
        }
        return job.getValue();
    }

    private static List<String> codes(List<EncounterJob.Reason> reasons) {
        return reasons.stream().map(EncounterJob.Reason::code).toList();
    }

    // telephone encounters

    @Test
    void anEncounterWhoseRequestIsGoneStopsWithoutTouchingTheEmr() throws Exception {
        findPatient.expectedMessageCount(0);
        requeueEncounter.expectedMessageCount(0);
        deliveries.expectedMessageCount(0);

        Exchange done = consume("telephone-encounters.requests", ENCOUNTER_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(done.getException()).isNull();
        verify(encounterEvents, never()).record(any(), any());
    }

    @Test
    void anEncounterThatAlreadyFinishedOnlyQueuesItsDeliveriesAgain() throws Exception {
        storedEncounter("created", "");
        findPatient.expectedMessageCount(0);
        requeueEncounter.expectedMessageCount(0);
        deliveries.expectedBodiesReceived(DELIVERY);

        consume("telephone-encounters.requests", ENCOUNTER_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(encounterEvents).record(any(), any());
        verify(references, never()).provider(anyString(), anyString());
    }

    @Test
    void anEncounterThatAlreadyFinishedAndWasPurgedOnlyQueuesItsDeliveriesAgain() throws Exception {
        storedEncounter("created", "");
        when(encounters.payload("te-1")).thenReturn(Optional.empty());
        findPatient.expectedMessageCount(0);
        requeueEncounter.expectedMessageCount(0);
        deliveries.expectedBodiesReceived(DELIVERY);

        consume("telephone-encounters.requests", ENCOUNTER_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(encounterEvents).record(any(), any());
        verify(references, never()).provider(anyString(), anyString());
    }

    @Test
    void aCreatedEncounterGoesThroughEveryStepItAsksForAndIsRecordedCreated() throws Exception {
        storedEncounter("processing", ",\"refill_medication_name\":\"lisinopril\",\"pharmacy_ehr_id\":\"ph-1\"");
        encounterCreatable();
        answers(listMedications, new RefillableMedications(List.of(new RefillableMedication("ord-1", "Lisinopril 10 mg"))));
        answers(addRefill, new RefillAdded());
        answers(ensurePharmacy, new PharmacyEnsured("ph-1"));
        findPatient.expectedMessageCount(1);
        findPatient.message(0).body().isInstanceOf(EmrOperations.FindPatient.class);
        createEncounter.expectedMessageCount(1);
        addDetails.expectedMessageCount(1);
        addRefill.expectedMessageCount(1);
        ensurePharmacy.expectedMessageCount(1);
        requeueEncounter.expectedMessageCount(0);
        deliveries.expectedBodiesReceived(DELIVERY);

        consume("telephone-encounters.requests", ENCOUNTER_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        EmrOperations.AddRefill refill = addRefill.getExchanges().get(0).getMessage().getBody(EmrOperations.AddRefill.class);
        assertThat(refill.medication().orderId()).isEqualTo("ord-1");
        assertThat(refill.encounterId()).isEqualTo("enc-1");
        EncounterJob job = recorded("created");
        assertThat(job.outcome()).isEqualTo(Outcome.CREATED);
        assertThat(job.refillAdded()).isTrue();
        assertThat(job.pharmacyAdded()).isTrue();
    }

    @Test
    void aRetryableEmrFailureDefersTheEncounterBackOnItsQueueInItsGroup() throws Exception {
        storedEncounter("processing", "");
        fails(findPatient, new EmrRetryableException(503, "find-patient answered 503"));
        createEncounter.expectedMessageCount(0);
        requeueEncounter.expectedMessageCount(1);
        // the first delay of engine.emr.retry.backoff (5s), without jitter
        requeueEncounter.expectedHeaderReceived(MessageHeaders.AMQ_SCHEDULED_DELAY, 5_000L);
        requeueEncounter.expectedHeaderReceived(MessageHeaders.JMSX_GROUP_ID, "group-1");
        requeueEncounter.expectedBodiesReceived("{\"telephone_encounter_id\":\"te-1\",\"job_id\":\"41\",\"emr_attempt\":2}");
        deliveries.expectedMessageCount(0);

        consume("telephone-encounters.requests", ENCOUNTER_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(encounterEvents, never()).record(any(), any());
    }

    @Test
    void aPatientNotFoundFailsTheEncounterWithoutCreatingOne() throws Exception {
        storedEncounter("processing", "");
        answers(findPatient, new PatientMatch(List.of()));
        createEncounter.expectedMessageCount(0);
        addDetails.expectedMessageCount(0);
        requeueEncounter.expectedMessageCount(0);
        deliveries.expectedBodiesReceived(DELIVERY);

        consume("telephone-encounters.requests", ENCOUNTER_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        EncounterJob job = recorded("failed");
        assertThat(job.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(codes(job.failures())).containsExactly("patient_not_found");
    }

    @Test
    void aRefillNotAddedAfterTheEncounterIsCreatedIsCreatedPartial() throws Exception {
        storedEncounter("processing", ",\"refill_medication_name\":\"lisinopril\"");
        encounterCreatable();
        answers(listMedications, new RefillableMedications(List.of(new RefillableMedication("ord-1", "Lisinopril 10 mg"))));
        fails(addRefill, new EmrPermanentException("emr_rejected", 422, "add-refill answered 422"));
        addRefill.expectedMessageCount(1);
        ensurePharmacy.expectedMessageCount(0);
        deliveries.expectedBodiesReceived(DELIVERY);

        consume("telephone-encounters.requests", ENCOUNTER_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        EncounterJob job = recorded("createdPartial");
        assertThat(job.outcome()).isEqualTo(Outcome.CREATED_PARTIAL);
        assertThat(job.encounterId()).isEqualTo("enc-1");
        assertThat(codes(job.partialReasons())).containsExactly("refill_not_added");
    }

    @Test
    void aPharmacyNotAddedAfterTheEncounterIsCreatedIsCreatedPartial() throws Exception {
        storedEncounter("processing", ",\"pharmacy_ehr_id\":\"ph-1\"");
        encounterCreatable();
        fails(ensurePharmacy, new EmrPermanentException("emr_rejected", 422, "ensure-patient-pharmacy answered 422"));
        listMedications.expectedMessageCount(0);
        addRefill.expectedMessageCount(0);
        ensurePharmacy.expectedMessageCount(1);
        deliveries.expectedBodiesReceived(DELIVERY);

        consume("telephone-encounters.requests", ENCOUNTER_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        EncounterJob job = recorded("createdPartial");
        assertThat(codes(job.partialReasons())).containsExactly("pharmacy_not_added");
    }

    // actions

    private ActionJob recordedAction(boolean created) {
        ArgumentCaptor<ActionJob> action = ArgumentCaptor.forClass(ActionJob.class);
        if (created) {
            verify(actionEvents).created(action.capture());
        } else {
            verify(actionEvents).failed(action.capture());
        }
        return action.getValue();
    }

    @Test
    void anActionWhoseRequestIsGoneStopsWithoutTouchingTheEmr() throws Exception {
        readEncounter.expectedMessageCount(0);
        requeueAction.expectedMessageCount(0);
        deliveries.expectedMessageCount(0);

        consume("telephone-encounters.actions", ACTION_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(actionEvents, never()).record(any(), any());
    }

    @Test
    void anActionThatAlreadyFinishedOnlyQueuesItsDeliveriesAgain() throws Exception {
        storedAction("created");
        readEncounter.expectedMessageCount(0);
        requeueAction.expectedMessageCount(0);
        deliveries.expectedBodiesReceived(DELIVERY);

        consume("telephone-encounters.actions", ACTION_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(actionEvents).record(any(), any());
    }

    @Test
    void anActionOnAnExistingEncounterWritesItsNoteAndIsRecordedCreated() throws Exception {
        storedAction("processing");
        answers(readEncounter, EncounterRead.found("Patient/pat-1"));
        answers(addNote, new NoteCreated("note-1"));
        readEncounter.expectedMessageCount(1);
        addNote.expectedMessageCount(1);
        deliveries.expectedBodiesReceived(DELIVERY);

        consume("telephone-encounters.actions", ACTION_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        EmrOperations.AddEncounterNote note = addNote.getExchanges().get(0).getMessage().getBody(EmrOperations.AddEncounterNote.class);
        assertThat(note.encounterId()).isEqualTo("enc-1");
        assertThat(note.subject()).isEqualTo("Patient/pat-1");
        assertThat(note.noteLine()).contains("Called back");
        assertThat(recordedAction(true).outcome()).isEqualTo(ActionOutcome.CREATED);
    }

    @Test
    void anActionOnAnEncounterNotFoundFailsWithoutANote() throws Exception {
        storedAction("processing");
        answers(readEncounter, EncounterRead.notFound("read-encounter answered 404"));
        addNote.expectedMessageCount(0);
        deliveries.expectedBodiesReceived(DELIVERY);

        consume("telephone-encounters.actions", ACTION_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        ActionJob action = recordedAction(false);
        assertThat(action.failures()).extracting(ActionJob.Reason::code).containsExactly("encounter_not_found");
    }

    @Test
    void aRetryableEmrFailureDefersTheActionBackOnItsQueueInItsGroup() throws Exception {
        storedAction("processing");
        answers(readEncounter, EncounterRead.found("Patient/pat-1"));
        fails(addNote, new EmrRetryableException(502, "add-encounter-note answered 502"));
        requeueAction.expectedMessageCount(1);
        requeueAction.expectedHeaderReceived(MessageHeaders.AMQ_SCHEDULED_DELAY, 5_000L);
        requeueAction.expectedHeaderReceived(MessageHeaders.JMSX_GROUP_ID, "group-1");
        requeueAction.expectedBodiesReceived("{\"action_id\":\"ac-1\",\"job_id\":\"42\",\"emr_attempt\":2}");
        deliveries.expectedMessageCount(0);

        consume("telephone-encounters.actions", ACTION_MESSAGE);

        MockEndpoint.assertIsSatisfied(camel);
        verify(actionEvents, never()).record(any(), any());
    }
}
