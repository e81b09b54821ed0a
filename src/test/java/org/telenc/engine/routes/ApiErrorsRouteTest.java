package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.verify;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.telenc.engine.api.ApiException;
import org.telenc.engine.api.ApiResponses;
import org.telenc.engine.audit.AuditLog;
import org.telenc.engine.intake.ValidationErrors;
import org.telenc.engine.observability.EngineMeters;
import org.telenc.engine.observability.FlowMeters;

/**
 * The API error mapping (the {@code api-errors} route configuration of routes/_shared) and the answer
 * writing of routes/api/responses.camel.yaml ({@code api-respond}) on a Camel-only context, without
 * Tomcat (see {@link DeliverRouteTest} for the idiom). An API route is stood in for by one that uses
 * the configuration and throws what the test hands it; the answer is read off the exchange as the
 * REST binding would write it. Nothing needs weaving, so Camel starts as usual. The audit log's
 * database is a stub, and its call is asserted.
 */
@CamelSpringBootTest
@SpringBootTest(classes = ApiErrorsRouteTest.Beans.class, properties =
        "camel.main.routes-include-pattern=file:routes/_shared/api-errors.camel.yaml,file:routes/api/responses.camel.yaml")
class ApiErrorsRouteTest {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CamelAutoConfiguration.class)
    @Import({ApiResponses.class, ValidationErrors.class, FlowMeters.class, EngineMeters.class})
    static class Beans {

        @Bean
        ObjectMapper objectMapper() {
            return new ObjectMapper();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        /** Stands in for an API route: any route naming the api-errors configuration, failing with the body. */
        @Bean
        RouteBuilder failingApiRoute() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:failing-api-call").routeId("failing-api-call").routeConfigurationId("api-errors")
                            .setHeader("internal-header", constant("must not reach the client"))
                            .process(exchange -> {
                                throw exchange.getMessage().getBody(Exception.class);
                            })
                            .to("direct:api-ok");
                }
            };
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    /** Named: the route refers to it by its bean name ({@code ref: auditLog}). */
    @MockitoBean(name = "auditLog")
    AuditLog auditLog;

    private Exchange failWith(Exception failure) {
        return producer.send("direct:failing-api-call", exchange -> exchange.getMessage().setBody(failure));
    }

    private static JsonNode body(Exchange answer) throws Exception {
        return JSON.readTree(answer.getMessage().getBody(String.class));
    }

    @Test
    void anApiExceptionBecomesItsStatusAndTheContractsErrorBody() throws Exception {
        Exchange answer = failWith(ApiException.invalidAccessToken());

        assertThat(answer.getException()).isNull();
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(401);
        assertThat(answer.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json; charset=utf-8");
        assertThat(answer.getMessage().getHeader("internal-header")).isNull();
        assertThat(answer.getMessage().getHeader("Retry-After")).isNull();
        JsonNode body = body(answer);
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("error").asText()).isEqualTo("invalid_access_token");
        assertThat(body.path("message").asText()).isEqualTo("Invalid access token.");
        // the answer is audited under the route that failed
        verify(auditLog).apiResponse(isNull(), eq("failing-api-call"), argThat(r -> r.status() == 401));
    }

    @Test
    void fieldErrorsAndRetryAfterAreCarriedThrough() throws Exception {
        Exchange answer = failWith(new ApiException(429, "rate_limited", "Too many requests.",
                List.of(new ApiException.FieldError("client_id", "rate_limited", "Slow down.")), 30));

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(429);
        assertThat(answer.getMessage().getHeader("Retry-After", Integer.class)).isEqualTo(30);
        JsonNode body = body(answer);
        assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo("client_id");
    }

    @Test
    void aBodyThatDoesNotParseIsInvalidJson() throws Exception {
        Exchange answer = failWith(new JsonParseException(null, "Unexpected character ('x')"));

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(400);
        assertThat(body(answer).path("error").asText()).isEqualTo("invalid_json");
    }

    @Test
    void aStoreFailureIsServiceUnavailable() throws Exception {
        Exchange answer = failWith(new DataAccessResourceFailureException("database down"));

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(503);
        assertThat(body(answer).path("error").asText()).isEqualTo("service_unavailable");
    }

    @Test
    void anythingElseIsA500ThatSaysNothingOfTheFailure() throws Exception {
        Exchange answer = failWith(new IllegalStateException("MRN 4711 of Jane Doe"));

        assertThat(answer.getException()).isNull();
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(500);
        assertThat(body(answer).path("error").asText()).isEqualTo("internal_error");
        assertThat(answer.getMessage().getBody(String.class)).doesNotContain("4711").doesNotContain("Jane");
    }
}
