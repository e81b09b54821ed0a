package org.telenc.engine.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.emr.EmrConnection;
import org.telenc.engine.emr.EmrConnections;
import org.telenc.engine.emr.auth.EmrAuthSettings;
import org.telenc.engine.encounter.RequestField;
import org.telenc.engine.encounter.TelephoneEncounterRequest;
import org.telenc.engine.teamroutes.TeamRouteSwaps;
import org.telenc.engine.tenancy.Caller;

/**
 * The rules of the {@code extensions} bean on a plain Camel context (the team routes here are Java
 * routes standing in for a team's YAML; the connection store is a stub): what a team route's answer
 * becomes at {@code accepting} and {@code before-emr}, that every way of failing is a 503
 * {@code extension_failed} at intake (never a 500) and an {@link ExtensionFailedException} before the
 * EMR, and that only allowed, valid changes are taken.
 */
class ExtensionsTest {

    static CamelContext camel;
    static final EmrConnections CONNECTIONS = mock(EmrConnections.class);
    static Extensions extensions;
    static final Caller CALLER = new Caller("client-pk", "client", "token", "ref", "conn", "fhir-r4", "12222");
    static final TelephoneEncounterRequest REQUEST = new TelephoneEncounterRequest(Map.of(RequestField.PATIENT_MRN, "100234",
            RequestField.PROVIDER_ID, "12241", RequestField.LOCATION_ID, "31", RequestField.ASSIGNED_TO_ID, "12220"), Map.of());

    @BeforeAll
    static void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:set-reason").setBody(e -> with(e.getIn().getBody(Map.class), "reason", "Refill"));
                from("direct:remove-provider").setBody(e -> with(e.getIn().getBody(Map.class), "provider_id", null));
                from("direct:blank-provider").setBody(e -> with(e.getIn().getBody(Map.class), "provider_id", " "));
                from("direct:change-mrn").setBody(e -> with(e.getIn().getBody(Map.class), "patient_mrn", "100235"));
                from("direct:long-reason").setBody(e -> with(e.getIn().getBody(Map.class), "reason", "x".repeat(51)));
                from("direct:add-key").setBody(e -> with(e.getIn().getBody(Map.class), "Jane Doe", "x"));
                from("direct:list-value").setBody(e -> with(e.getIn().getBody(Map.class), "reason", java.util.List.of("a")));
                from("direct:text").setBody(constant("not a map"));
                from("direct:reject").setBody(e -> new Rejection("clinic_closed", "Closed today.", 400));
                from("direct:reject-500").setBody(e -> new Rejection("clinic_closed", "Closed today.", 500));
                from("direct:reject-bad-code").setBody(e -> new Rejection("Clinic-Closed", "Closed today.", 422));
                from("direct:reject-long").setBody(e -> new Rejection("clinic_closed", "x".repeat(301), 422));
                from("direct:reject-control").setBody(e -> new Rejection("clinic_closed", "line\nbreak", 422));
                from("direct:throws").throwException(new IllegalStateException("MRN 100234"));
            }
        });
        camel.start();
        extensions = new Extensions(camel, CONNECTIONS, new SimpleMeterRegistry(), new ObjectMapper(), new TeamRouteSwaps(),
                java.time.Duration.ofMillis(200));
    }

    @AfterAll
    static void stop() {
        camel.stop();
    }

    static Map<String, Object> with(Map<?, ?> body, String field, Object value) {
        @SuppressWarnings("unchecked")
        Map<String, Object> changed = new LinkedHashMap<>((Map<String, Object>) body);
        changed.put(field, value);
        return changed;
    }

    static EmrConnection selecting(String point, String route) {
        Map<String, Object> settings = Map.of("extensions", Map.of(point, route));
        EmrConnection connection = new EmrConnection("conn", "fhir-r4", "http://emr.invalid", EmrConnection.FhirSettings.defaults(),
                EmrAuthSettings.none(), "active", settings);
        when(CONNECTIONS.settingsOf("conn")).thenReturn(settings);
        when(CONNECTIONS.get("conn")).thenReturn(connection);
        return connection;
    }

    static ApiException acceptingFails(String route) {
        selecting("accepting", route);
        return catchThrowableOfType(ApiException.class, () -> extensions.accepting(CALLER, REQUEST));
    }

    @Test
    void anAllowedChangeIsTakenAndTheRestOfTheRequestStays() {
        selecting("accepting", "set-reason");
        TelephoneEncounterRequest changed = (TelephoneEncounterRequest) extensions.accepting(CALLER, REQUEST);
        assertThat(changed.getReason()).isEqualTo("Refill");
        assertThat(changed.getPatientMrn()).isEqualTo("100234");
        assertThat(changed.getProviderId()).isEqualTo("12241");
    }

    @Test
    void noRouteSelectedChangesNothing() {
        when(CONNECTIONS.settingsOf("conn")).thenReturn(Map.of("mrn_system", "urn:x"));
        assertThat(extensions.accepting(CALLER, REQUEST)).isSameAs(REQUEST);
    }

    @Test
    void aWellFormedRejectionIsTheClinicsAnswer() {
        ApiException rejected = acceptingFails("reject");
        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.code()).isEqualTo("clinic_closed");
        assertThat(rejected.getMessage()).isEqualTo("Closed today.");
    }

    @Test
    void everyWayOfFailingAtIntakeIs503ExtensionFailed() {
        for (String route : Set.of("remove-provider", "blank-provider", "change-mrn", "long-reason", "add-key", "list-value", "text",
                "reject-500", "reject-bad-code", "reject-long", "reject-control", "throws", "not-running", "bad name!")) {
            ApiException failed = acceptingFails(route);
            assertThat(failed).as(route).isNotNull();
            assertThat(failed.status()).as(route).isEqualTo(503);
            assertThat(failed.code()).as(route).isEqualTo("extension_failed");
            assertThat(failed.getMessage()).as(route).doesNotContain("100234");
        }
    }

    @Test
    void beforeEmrMayNotRejectAndFailsAsAJobFault() {
        EmrConnection connection = selecting("before-emr", "reject");
        assertThat(catchThrowableOfType(ExtensionFailedException.class, () -> extensions.beforeEmr(connection, REQUEST, Map.of(),
                TelephoneEncounterRequest.EXTENSION_CHANGEABLE)).getMessage()).contains("only an accepting route may reject");
        EmrConnection throwing = selecting("before-emr", "throws");
        ExtensionFailedException failed = catchThrowableOfType(ExtensionFailedException.class, () -> extensions.beforeEmr(throwing,
                REQUEST, Map.of(), TelephoneEncounterRequest.EXTENSION_CHANGEABLE));
        assertThat(failed.getMessage()).contains("java.lang.IllegalStateException").doesNotContain("100234");
    }

    @Test
    void beforeEmrTakesAllowedChangesOfPlainFields() {
        EmrConnection connection = selecting("before-emr", "set-reason");
        assertThat(extensions.beforeEmr(connection, Map.of("text", "a", "is_high_priority", "false"), Set.of("reason")))
                .isEqualTo(Map.of("reason", "Refill"));
        assertThatCode(() -> extensions.beforeEmr(selecting("before-emr", "change-mrn"), Map.of("patient_mrn", "1"), Set.of("reason")))
                .isInstanceOf(ExtensionFailedException.class);
    }

    /** One rule for a team's code and text, at accepting and after-match alike. */
    @Test
    void aTeamsCodeAndTextAreWellFormedOrRefused() {
        assertThat(Extensions.wellFormed("clinic_closed", "Clinic A takes no calls today.")).isTrue();
        assertThat(Extensions.wellFormed("a", "one letter is no code")).as("a code of one letter").isFalse();
        assertThat(Extensions.wellFormed("Clinic-Closed", "text")).as("not lowercase snake_case").isFalse();
        assertThat(Extensions.wellFormed("x".repeat(Extensions.MAX_CODE + 1), "text")).as("too long a code").isFalse();
        assertThat(Extensions.wellFormed("clinic_closed", " ")).as("blank text").isFalse();
        assertThat(Extensions.wellFormed("clinic_closed", "line\nbreak")).as("a control character").isFalse();
        assertThat(Extensions.wellFormed("clinic_closed", "t".repeat(Extensions.MAX_MESSAGE + 1))).as("too long a text").isFalse();
        assertThat(Extensions.wellFormed(null, "text")).isFalse();
        assertThat(Extensions.wellFormed("clinic_closed", null)).isFalse();
    }
}
