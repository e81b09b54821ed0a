package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route files and the beans agree (no Spring context, no engine): every bean a route names is
 * a bean of the engine, every method it calls exists and can be bound the way the route calls it,
 * and every exchange property and header name either side uses is declared once, in
 * {@link ExchangeProperties} and {@link MessageHeaders}. A renamed method or a mistyped property
 * otherwise shows only when the route runs, as a failed job.
 */
class RouteBeanContractTest {

    static Path root;
    static RouteBeanContract contract;

    @BeforeAll
    static void readRoutesAndBeans() throws IOException {
        root = Path.of("").toAbsolutePath();
        while (root != null && !(Files.exists(root.resolve("pom.xml")) && Files.isDirectory(root.resolve("routes")))) {
            root = root.getParent();
        }
        assertThat(root).as("project root with pom.xml and routes/").isNotNull();
        contract = new RouteBeanContract("org.telenc.engine").check(root.resolve("routes"));
    }

    @Test
    void everyBeanMethodAndNameTheRoutesUseMatchesTheBeansAndTheContract() {
        assertThat(contract.uses).as("bean calls found in routes/").hasSizeGreaterThan(100);
        assertThat(contract.beans).as("beans found by scanning").containsKeys("authenticator", "tenancyAdmin", "webhookApi");
        assertThat(contract.problems).as("route/bean contract offenders").isEmpty();
    }

    @Test
    void theRoutesSetWhatTheBeansBind() {
        assertThat(contract.propertiesSet).containsKeys(ExchangeProperties.CALLER, ExchangeProperties.JOB);
        assertThat(contract.headersSet).as("REST path parameters reach the routes as headers")
                .containsKeys(MessageHeaders.ID, MessageHeaders.ADMIN_CLIENT_ID);
        assertThat(contract.propertiesBound).containsKeys(ExchangeProperties.CALLER);
    }

    @Test
    void everyObjectHasOneName() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Field field : ExchangeProperties.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                names.add((String) field.get(null));
            }
        }
        assertThat(names).as("exchange property names").doesNotHaveDuplicates()
                .contains(ExchangeProperties.JOB, ExchangeProperties.EMR_CONNECTION)
                .doesNotContain("connection", "action");
        assertThat(contract.problems).as("properties set to the same value under two names")
                .noneMatch(p -> p.contains("two names"));
    }

    @Test
    void anOffendingRouteFileIsListedWithWhereAndWhy(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.camel.yaml"), """
                - route:
                    id: bad-route
                    from:
                      uri: direct:bad
                      steps:
                        - setProperty:
                            name: caller
                            method: { ref: authenticator, method: authenticate }
                        - setProperty:
                            name: kaller
                            simple: "${exchangeProperty.kaler}"
                        - setProperty:
                            name: job
                            simple: "${body}"
                        - setProperty:
                            name: sameJob
                            simple: "${body}"
                        - bean: { ref: noSuchBean, method: run }
                        - bean: { ref: tenancyAdmin, method: noSuchMethod }
                        - setBody: { method: { ref: webhookApi, method: "list(${exchangeProperty.caller}, 'extra')" } }
                        - to: { uri: "bean:authenticator?method=authenticated" }
                        - setHeader: { name: X-Unknown, constant: "1" }
                """);
        List<String> problems = new RouteBeanContract("org.telenc.engine").check(dir).problems;
        assertThat(problems).anyMatch(p -> p.contains("bean 'noSuchBean' is no bean"))
                .anyMatch(p -> p.contains("tenancyAdmin.noSuchMethod: no public method"))
                .anyMatch(p -> p.contains("webhookApi.list(") && p.contains("called with 2 argument(s)"))
                .anyMatch(p -> p.contains("authenticator.authenticated: no public method"))
                .anyMatch(p -> p.contains("exchange property 'kaller' set by [bad.camel.yaml route bad-route]"))
                .anyMatch(p -> p.contains("exchange property 'kaler' read by"))
                .anyMatch(p -> p.contains("header 'X-Unknown' set by"))
                .anyMatch(p -> p.contains("'job' and 'sameJob' are set to the same"));
    }

    @Test
    void methodSpecsCountTopLevelArguments() {
        assertThat(RouteBeanContract.arguments("")).isZero();
        assertThat(RouteBeanContract.arguments("${exchangeProperty.emrConnection}")).isEqualTo(1);
        assertThat(RouteBeanContract.arguments("*, 'read-capabilities'")).isEqualTo(2);
        assertThat(RouteBeanContract.arguments("'a,b', ${body.split(',')}")).isEqualTo(2);
    }
}
