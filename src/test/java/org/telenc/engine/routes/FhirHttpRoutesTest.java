package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.telenc.engine.config.ClockConfiguration;
import org.telenc.engine.config.FhirConfiguration;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrNotFoundException;
import org.telenc.engine.emr.EmrPermanentException;
import org.telenc.engine.emr.EmrRetryableException;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.emr.fhir.FhirCall;
import org.telenc.engine.emr.fhir.FhirHttpHeaders;
import org.telenc.engine.emr.fhir.FhirPaging;
import org.telenc.engine.emr.fhir.FhirResponses;
import org.telenc.engine.observability.EngineMeters;
import org.telenc.engine.observability.FlowMeters;
import org.telenc.engine.support.Json;
import org.telenc.engine.support.AdapterRouteTestSupport;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.telenc.engine.emr.auth.EmrCallAuthorization;
import java.util.List;

/**
 * The FHIR adapter's HTTP plumbing (routes/emr/fhir-r4.camel.yaml: fhir-r4-call, fhir-r4-http,
 * fhir-r4-search-all, under the emr-calls route configuration of routes/_shared) on a Camel-only
 * context (see {@link DeliverRouteTest} for the idiom). Only the step that calls camel-http
 * ({@code fhir-http}) is replaced, by a mock that answers like an EMR and keeps each request as sent;
 * everything else is the engine's: the request building, the status mapping of {@link FhirResponses},
 * the in-route redelivery of retryable failures, the paging, the guard and the meters. The
 * credentials and the connection store behind {@link EmrCallAuthorization} are stubs.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = FhirHttpRoutesTest.Beans.class, properties = {
        "camel.main.routes-include-pattern=file:routes/_shared/emr-call-retries.camel.yaml,file:routes/emr/fhir-r4.camel.yaml",
        "engine.emr.retry.attempts=2",
        "engine.emr.retry.delay-ms=5",
        // the breaker stays closed whatever the tests answer
        "engine.emr.circuit.minimum-calls=1000"})
class FhirHttpRoutesTest extends AdapterRouteTestSupport {

    @Configuration(proxyBeanMethods = false)
    @Import({AdapterRouteTestSupport.Beans.class, FhirConfiguration.class, FhirResponses.class, FhirPaging.class,
            FhirHttpHeaders.class, FlowMeters.class, EngineMeters.class, ClockConfiguration.class})
    static class Beans {
    }

    /** The routes under test; the adapter's operation routes in the same file are not (they call beans this context lacks). */
    static final Set<String> PLUMBING = Set.of("fhir-r4-call", "fhir-r4-http", "fhir-r4-search-all", "fhir-r4-next-pages");
    static final String BASE = "https://emr.test/fhir";
    static final EmrConnection CONNECTION = new EmrConnection("conn-1", "fhir-r4", BASE, EmrConnection.FhirSettings.defaults(),
            EmrAuthSettings.none(), "active");

    @EndpointInject("mock:fhir-http")
    MockEndpoint emr;

    @BeforeEach
    void weaveAndStart() throws Exception {
        replaceHttp(PLUMBING::contains, "fhir-r4-http", "fhir-http", "mock:fhir-http");
    }

    @BeforeEach
    void credentials() {
        when(authorizations.authorizationHeader(eq("conn-1"), any())).thenReturn(Optional.of("Bearer test-token"));
    }

    @AfterEach
    void resetMocksAndMeters() {
        MockEndpoint.resetMocks(camel);
        meters.clear();
    }

    /** Calls fhir-r4-call as an operation route does: the call in the body, the connection in a property. */
    private Exchange call(String endpoint, FhirCall call) {
        return producer.send(endpoint, exchange -> {
            exchange.setProperty(ExchangeProperties.EMR_CONNECTION, CONNECTION);
            exchange.getMessage().setHeader("internal-header", "must not reach the EMR");
            exchange.getMessage().setBody(call);
        });
    }

    private double calls(String outcome) {
        var timer = meters.find("telenc.emr.call").tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private static String bundle(String nextUrl, String... practitionerIds) {
        ObjectNode bundle = Json.node("resourceType", "Bundle", "type", "searchset");
        if (nextUrl != null) {
            bundle.set("link", Json.MAPPER.createArrayNode().add(Json.node("relation", "next", "url", nextUrl)));
        }
        ArrayNode entries = bundle.putArray("entry");
        for (String id : practitionerIds) {
            entries.add(Json.node("resource", Json.node("resourceType", "Practitioner", "id", id)));
        }
        return Json.text(bundle);
    }

    @Test
    void aGetIsSentAsBuiltAndA2xxAnswerIsTheResult() throws Exception {
        emr.whenAnyExchangeReceived(answer(200, "{\"resourceType\":\"Patient\",\"id\":\"p1\"}"));
        emr.expectedMessageCount(1);
        emr.expectedHeaderReceived(Exchange.HTTP_METHOD, "GET");
        emr.expectedHeaderReceived(Exchange.HTTP_URI, BASE + "/Patient?identifier=x");
        emr.expectedHeaderReceived("Accept", "application/fhir+json");
        emr.expectedHeaderReceived("Cache-Control", "no-cache");
        emr.expectedHeaderReceived("Authorization", "Bearer test-token");
        emr.message(0).header("internal-header").isNull();
        emr.message(0).header("If-None-Exist").isNull();
        emr.message(0).header(Exchange.CONTENT_TYPE).isNull();

        Exchange done = call("direct:fhir-r4-call", FhirCall.get("find-patient", BASE + "/Patient?identifier=x"));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(done.getException()).isNull();
        assertThat(done.getMessage().getBody(String.class)).isEqualTo("{\"resourceType\":\"Patient\",\"id\":\"p1\"}");
        // the credentials go to the EMR and no further
        assertThat(done.getMessage().getHeader("Authorization")).isNull();
        assertThat(calls("ok")).isEqualTo(1);
    }

    @Test
    void aConditionalCreateCarriesItsBodyAndIfNoneExist() throws Exception {
        emr.whenAnyExchangeReceived(answer(201, "{\"resourceType\":\"Encounter\",\"id\":\"e1\"}"));
        emr.expectedMessageCount(1);
        emr.expectedHeaderReceived(Exchange.HTTP_METHOD, "POST");
        emr.expectedHeaderReceived("If-None-Exist", "identifier=sys|job-1");
        emr.expectedHeaderReceived(Exchange.CONTENT_TYPE, "application/fhir+json; charset=utf-8");
        emr.expectedBodiesReceived("{\"resourceType\":\"Encounter\"}");

        Exchange done = call("direct:fhir-r4-call", new FhirCall("create-encounter", "POST", BASE + "/Encounter",
                "{\"resourceType\":\"Encounter\"}", "identifier=sys|job-1", null));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(done.getException()).isNull();
    }

    @Test
    void a4xxIsPermanentAndNotSentAgain() throws Exception {
        emr.whenAnyExchangeReceived(answer(422, "{\"resourceType\":\"OperationOutcome\"}"));
        emr.expectedMessageCount(1);

        Exchange done = call("direct:fhir-r4-call", FhirCall.get("find-patient", BASE + "/Patient?identifier=x"));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(done.getException()).isInstanceOfSatisfying(EmrPermanentException.class,
                e -> assertThat(e.reasonCode()).isEqualTo("emr_rejected"));
        assertThat(calls("permanent")).isEqualTo(1);
    }

    @Test
    void a401IsLoginRequiredAndTheCachedCredentialsAreDropped() throws Exception {
        emr.whenAnyExchangeReceived(answer(401, ""));
        emr.expectedMessageCount(1);

        Exchange done = call("direct:fhir-r4-call", FhirCall.get("find-patient", BASE + "/Patient?identifier=x"));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(done.getException()).isInstanceOfSatisfying(EmrPermanentException.class,
                e -> assertThat(e.reasonCode()).isEqualTo("login_required"));
        verify(authorizations).invalidate("conn-1");
    }

    @Test
    void notFoundIsItsOwnRefusal() throws Exception {
        emr.whenAnyExchangeReceived(answer(404, ""));
        emr.expectedMessageCount(1);

        Exchange done = call("direct:fhir-r4-call", FhirCall.get("read-encounter", BASE + "/Encounter/e1"));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(done.getException()).isInstanceOf(EmrNotFoundException.class);
    }

    @Test
    void a5xxIsSentAgainPerTheRedeliveryAndThenRetryableForTheCaller() throws Exception {
        emr.whenAnyExchangeReceived(answer(503, ""));
        emr.expectedMessageCount(3); // the call and engine.emr.retry.attempts (2) redeliveries
        emr.allMessages().header(Exchange.HTTP_URI).isEqualTo(BASE + "/Patient?identifier=x");
        emr.allMessages().header("Authorization").isEqualTo("Bearer test-token");

        Exchange done = call("direct:fhir-r4-call", FhirCall.get("find-patient", BASE + "/Patient?identifier=x"));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(done.getException()).isInstanceOf(EmrRetryableException.class);
        assertThat(calls("retryable")).isEqualTo(3);
    }

    @Test
    void a429ThatClearsOnTheRedeliveryEndsWithTheAnswer() throws Exception {
        emr.whenExchangeReceived(1, answer(429, ""));
        emr.whenExchangeReceived(2, answer(200, "{\"resourceType\":\"Patient\",\"id\":\"p2\"}"));
        emr.expectedMessageCount(2);
        // the redelivered request is the same request, not what the failed try left in the body
        emr.allMessages().header(Exchange.HTTP_METHOD).isEqualTo("POST");
        emr.expectedBodiesReceived("{\"resourceType\":\"Patient\"}", "{\"resourceType\":\"Patient\"}");

        Exchange done = call("direct:fhir-r4-call", new FhirCall("create-patient", "POST", BASE + "/Patient",
                "{\"resourceType\":\"Patient\"}", null, null));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(done.getException()).isNull();
        assertThat(done.getMessage().getBody(String.class)).contains("p2");
    }

    @Test
    void noAnswerAtAllIsRetryableAndSentAgain() throws Exception {
        emr.whenExchangeReceived(1, exchange -> {
            throw new IOException("connection reset");
        });
        emr.whenExchangeReceived(2, answer(200, "{\"resourceType\":\"Patient\",\"id\":\"p3\"}"));
        emr.expectedMessageCount(2);

        Exchange done = call("direct:fhir-r4-call", FhirCall.get("find-patient", BASE + "/Patient?identifier=x"));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(done.getException()).isNull();
        assertThat(done.getMessage().getBody(String.class)).contains("p3");
        assertThat(calls("retryable")).isEqualTo(1);
        assertThat(calls("ok")).isEqualTo(1);
    }

    @Test
    void searchAllFollowsTheNextLinksAndCollectsEveryPage() throws Exception {
        emr.whenExchangeReceived(1, answer(200, bundle(BASE + "/Practitioner?page=2", "pr1", "pr2")));
        emr.whenExchangeReceived(2, answer(200, bundle(BASE + "/Practitioner?page=3", "pr3")));
        emr.whenExchangeReceived(3, answer(200, bundle(null, "pr4")));
        emr.expectedMessageCount(3);
        emr.expectedHeaderValuesReceivedInAnyOrder(Exchange.HTTP_URI, BASE + "/Practitioner", BASE + "/Practitioner?page=2",
                BASE + "/Practitioner?page=3");
        emr.message(0).header(Exchange.HTTP_URI).isEqualTo(BASE + "/Practitioner");
        emr.message(2).header(Exchange.HTTP_URI).isEqualTo(BASE + "/Practitioner?page=3");

        Exchange done = call("direct:fhir-r4-search-all", FhirCall.get("pull-references", BASE + "/Practitioner"));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(done.getException()).isNull();
        @SuppressWarnings("unchecked")
        List<Resource> resources = done.getMessage().getBody(List.class);
        assertThat(resources).extracting(r -> r.getIdPart()).containsExactly("pr1", "pr2", "pr3", "pr4");
    }

    @Test
    void aPageThatFailsForGoodFailsTheSearch() throws Exception {
        emr.whenExchangeReceived(1, answer(200, bundle(BASE + "/Practitioner?page=2", "pr1")));
        emr.whenExchangeReceived(2, answer(400, ""));
        emr.expectedMessageCount(2);

        Exchange done = call("direct:fhir-r4-search-all", FhirCall.get("pull-references", BASE + "/Practitioner"));

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(done.getException()).isInstanceOf(EmrPermanentException.class);
    }
}
