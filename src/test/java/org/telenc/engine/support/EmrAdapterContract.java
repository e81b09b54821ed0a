package org.telenc.engine.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrOperations.EncounterRead;
import org.telenc.engine.emr.EmrOperations.FindPatient;
import org.telenc.engine.emr.EmrOperations.PatientMatch;
import org.telenc.engine.emr.EmrOperations.ReadEncounter;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrRetryableException;

/**
 * The contract every EMR adapter keeps with the flows, whatever its EMR speaks: the same tests run
 * against the FHIR R4 adapter and against a YAML adapter written on the REST transport template
 * (routes/emr/rest-adapter.camel.yaml). An operation is called as a flow calls it (the input record,
 * the connection), the step that calls camel-http answers as the EMR would (a mock, see
 * {@link AdapterRouteTestSupport}), and what the flows rely on is asserted: the matches of a patient
 * search, a read encounter's subject, a not-found encounter as a result, failure statuses as the
 * engine's EMR exceptions (a refusal sent once and never quoting the answer, an outage redelivered in
 * the route, a 401 as login_required), the connection's credentials on the request and off the
 * result, and every call timed in telenc_emr_call_seconds. A subclass names its adapter, weaves its
 * camel-http step to {@link #emr()} and gives the EMR's answers in its own format.
 * Subclasses run with {@code engine.emr.retry.attempts=1}.
 */
public abstract class EmrAdapterContract extends AdapterRouteTestSupport {

    /** The credentials the connection's auth settings stand for in these tests. */
    protected static final String CREDENTIALS = "Bearer contract-token";

    /** The adapter's EMR type: its operations are direct:emr-&lt;type&gt;-&lt;operation&gt;. */
    protected abstract String emrType();

    /** The connection the operations are called with. */
    protected abstract EmrConnection connection();

    /** The mock standing for the adapter's camel-http step. */
    protected abstract MockEndpoint emr();

    /** Replaces the adapter's camel-http step by {@link #emr()} and starts Camel (once). */
    protected abstract void weave() throws Exception;

    /** The EMR's answer to the patient search of find-patient, matching the given patients. */
    protected abstract String patientSearchAnswer(List<String> patientIds);

    /** The EMR's answer to the read of read-encounter, an encounter whose patient has the id {@code patientId}. */
    protected abstract String encounterAnswer(String patientId);

    @BeforeEach
    void contractSetUp() throws Exception {
        weave();
        when(authorizations.authorizationHeader(eq(connection().id()), any())).thenReturn(Optional.of(CREDENTIALS));
    }

    @AfterEach
    void contractReset() {
        MockEndpoint.resetMocks(camel);
    }

    private Exchange call(String operation, Object input) {
        return call(emrType(), operation, connection(), input);
    }

    @Test
    void findPatientSendsTheMrnAndAnswersTheEmrsMatches() {
        emr().whenAnyExchangeReceived(answer(200, patientSearchAnswer(List.of("pat-1", "pat-2"))));
        PatientMatch match = result(call("find-patient", new FindPatient("100236")), PatientMatch.class);
        assertThat(match.patientIds()).containsExactly("pat-1", "pat-2");
        assertThat(emr().getExchanges()).hasSize(1);
        assertThat(emr().getExchanges().get(0).getMessage().getHeader(Exchange.HTTP_URI, String.class)).contains("100236");
    }

    @Test
    void aPatientTheEmrDoesNotKnowIsAnEmptyMatchNotAFailure() {
        emr().whenAnyExchangeReceived(answer(200, patientSearchAnswer(List.of())));
        assertThat(result(call("find-patient", new FindPatient("999")), PatientMatch.class).patientIds()).isEmpty();
    }

    @Test
    void readEncounterAnswersTheEncountersPatient() {
        emr().whenAnyExchangeReceived(answer(200, encounterAnswer("pat-7")));
        EncounterRead read = result(call("read-encounter", new ReadEncounter("enc-1")), EncounterRead.class);
        assertThat(read.found()).isTrue();
        assertThat(read.subject()).contains("pat-7");
    }

    @Test
    void anEncounterTheEmrDoesNotKnowIsANotFoundResult() {
        for (int status : new int[] {404, 410}) {
            MockEndpoint.resetMocks(camel);
            emr().whenAnyExchangeReceived(answer(status, "{}"));
            EncounterRead read = result(call("read-encounter", new ReadEncounter("enc-404")), EncounterRead.class);
            assertThat(read.found()).as("HTTP %s", status).isFalse();
            assertThat(read.notFound()).as("HTTP %s", status).isNotBlank();
        }
    }

    @Test
    void aRefusalIsPermanentSentOnceAndNeverQuotesTheAnswer() {
        emr().whenAnyExchangeReceived(answer(422, "{\"error\":\"PHI may be here: Jane Doe\"}"));
        Exchange done = call("find-patient", new FindPatient("100236"));
        assertThat(done.getException()).isInstanceOfSatisfying(EmrPermanentException.class,
                e -> assertThat(e.reasonCode()).isEqualTo("emr_rejected")).hasMessageNotContaining("Jane")
                .hasMessageNotContaining("100236");
        assertThat(emr().getExchanges()).as("a refusal is not sent again").hasSize(1);
    }

    @Test
    void anOutageIsRedeliveredInTheRouteThenRetryableForTheFlow() {
        emr().whenAnyExchangeReceived(answer(503, ""));
        Exchange done = call("find-patient", new FindPatient("100236"));
        assertThat(done.getException()).isInstanceOf(EmrRetryableException.class);
        assertThat(emr().getExchanges()).as("sent, then redelivered once (engine.emr.retry.attempts=1)").hasSize(2);
    }

    @Test
    void refusedCredentialsAreLoginRequired() {
        emr().whenAnyExchangeReceived(answer(403, ""));
        Exchange done = call("find-patient", new FindPatient("100236"));
        assertThat(done.getException()).isInstanceOfSatisfying(EmrPermanentException.class,
                e -> assertThat(e.reasonCode()).isEqualTo("login_required"));
    }

    @Test
    void theConnectionsCredentialsGoToTheEmrAndNoFurther() {
        emr().whenAnyExchangeReceived(answer(200, patientSearchAnswer(List.of("pat-1"))));
        Exchange done = call("find-patient", new FindPatient("100236"));
        result(done, PatientMatch.class);
        assertThat(emr().getExchanges().get(0).getMessage().getHeader("Authorization")).isEqualTo(CREDENTIALS);
        assertThat(done.getMessage().getHeaders().values()).as("no credentials on the flow's message")
                .noneMatch(CREDENTIALS::equals);
    }

    @Test
    void everyCallIsTimedInTheEmrCallMetricByOutcome() {
        long okBefore = calls("ok");
        long permanentBefore = calls("permanent");
        emr().whenAnyExchangeReceived(answer(200, patientSearchAnswer(List.of("pat-1"))));
        result(call("find-patient", new FindPatient("100236")), PatientMatch.class);
        MockEndpoint.resetMocks(camel);
        emr().whenAnyExchangeReceived(answer(422, "{}"));
        call("find-patient", new FindPatient("100236"));
        assertThat(calls("ok")).isEqualTo(okBefore + 1);
        assertThat(calls("permanent")).isEqualTo(permanentBefore + 1);
    }

    private long calls(String outcome) {
        return meters.find("telenc.emr.call").tag("outcome", outcome).timers().stream().mapToLong(Timer::count).sum();
    }
}
