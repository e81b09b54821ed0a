package org.telenc.engine.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Every route file ({@code routes/**}{@code /*.camel.yaml}) describes itself the way Kaoto and the
 * Camel tooling show it: each route, route template (and the route it makes), templated route and
 * routeConfiguration has a one-line {@code description}, and so has every step that has an id (an id
 * is given to a step worth naming: an EMR call, a queue send, a recorded outcome) and every step
 * that leaves the engine ({@code to}, {@code toD}, {@code enrich}, {@code pollEnrich},
 * {@code wireTap} to anything but a fixed {@code direct:} route, whose own description says what it
 * does). A templated route has no description of its own in the YAML DSL: it passes the template's
 * {@code description} parameter, which the template's route takes as {@code "{{description}}"}.
 */
class RouteDescriptionsTest {

    /** Steps that send somewhere: described unless they call a fixed direct: route of the engine. */
    static final Set<String> SENDING = Set.of("to", "toD", "enrich", "pollEnrich", "wireTap");

    /** Keys whose array holds steps ({@code - eip: {...}}), at any depth. */
    static final Set<String> STEP_LISTS = Set.of("steps", "onException", "onCompletion", "interceptFrom",
            "interceptSendToEndpoint", "intercept");

    /** Expressions that can carry the id of a step (a setBody whose method call is named). */
    static final Set<String> EXPRESSIONS = Set.of("method", "simple", "constant", "jq", "jsonpath", "groovy");

    static Path root;

    @BeforeAll
    static void findRoot() {
        root = Path.of("").toAbsolutePath();
        while (root != null && !(Files.exists(root.resolve("pom.xml")) && Files.isDirectory(root.resolve("routes")))) {
            root = root.getParent();
        }
        assertThat(root).as("project root with pom.xml and routes/").isNotNull();
    }

    @Test
    void everyRouteTemplateConfigurationAndNamedOrSendingStepIsDescribed() throws IOException {
        Tally tally = new Tally();
        List<String> problems = problems(root.resolve("routes"), root, tally);
        assertThat(tally.files).as("route files under routes/ (examples included)").isGreaterThan(20);
        assertThat(tally.routes).as("routes, templates and templated routes looked at").isGreaterThan(70);
        assertThat(tally.steps).as("named or sending steps looked at").isGreaterThan(100);
        assertThat(problems).as("missing or multi-line descriptions (file:line: what)").isEmpty();
    }

    @Test
    void eachMissingDescriptionIsListedWithFileAndLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.camel.yaml"), """
                - routeConfiguration:
                    id: bad-faults
                    onException:
                      - onException:
                          id: bad-fault
                          exception:
                            - java.lang.Exception
                - routeTemplate:
                    id: bad-template
                    description: a template
                    parameters:
                      - name: description
                    route:
                      from:
                        uri: direct:bad-template
                        steps:
                          - log: fine
                - templatedRoute:
                    routeTemplateRef: bad-template
                    routeId: bad-instance
                    parameters:
                      - name: other
                        value: x
                - route:
                    id: bad-route
                    description: |
                      two
                      lines
                    from:
                      uri: direct:bad
                      steps:
                        - to:
                            uri: direct:internal-is-fine
                        - to:
                            uri: activemq:queue:out
                        - setBody:
                            method:
                              id: named-call
                              ref: someBean
                              method: run
                        - choice:
                            when:
                              - simple: "${body}"
                                steps:
                                  - toD:
                                      uri: "direct:emr-${body}-call"
                        - bean:
                            id: described-bean
                            description: Does one thing
                            ref: someBean
                            method: run
                """);
        List<String> problems = problems(dir, dir, new Tally());
        assertThat(problems).containsExactlyInAnyOrder(
                "bad.camel.yaml:2: routeConfiguration bad-faults has no description",
                "bad.camel.yaml:5: onException step bad-fault has no description",
                "bad.camel.yaml:14: routeTemplate bad-template: its route's description is not \"{{description}}\"",
                "bad.camel.yaml:19: templatedRoute bad-instance passes no description parameter",
                "bad.camel.yaml:26: route bad-route: description is not one line",
                "bad.camel.yaml:35: to step activemq:queue:out has no description",
                "bad.camel.yaml:37: setBody step named-call has no description",
                "bad.camel.yaml:46: toD step direct:emr-${body}-call has no description");
    }

    static final class Tally {
        int files;
        int routes;
        int steps;
    }

    /** The description problems of every route file under {@code dir}, as {@code relative/path:line: what}. */
    static List<String> problems(Path dir, Path base, Tally tally) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            tally.files++;
            String name = base.relativize(file).toString();
            Node items = new Yaml().compose(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            if (!(items instanceof SequenceNode list)) {
                continue;
            }
            for (Node item : list.getValue()) {
                if (!(item instanceof MappingNode wrapper) || wrapper.getValue().size() != 1) {
                    continue;
                }
                String kind = text(wrapper.getValue().get(0).getKeyNode());
                Node body = wrapper.getValue().get(0).getValueNode();
                String id = text(field(body, "id")) != null ? text(field(body, "id")) : text(field(body, "routeId"));
                switch (kind) {
                    case "route", "routeConfiguration" -> {
                        tally.routes += kind.equals("route") ? 1 : 0;
                        describe(problems, name, body, kind + " " + id);
                    }
                    case "routeTemplate" -> {
                        tally.routes++;
                        describe(problems, name, body, kind + " " + id);
                        Node route = field(body, "route");
                        if (!"{{description}}".equals(text(field(route, "description")))) {
                            problems.add(name + ":" + line(route) + ": " + kind + " " + id
                                    + ": its route's description is not \"{{description}}\"");
                        }
                    }
                    case "templatedRoute" -> {
                        tally.routes++;
                        Node value = null;
                        if (field(body, "parameters") instanceof SequenceNode parameters) {
                            for (Node parameter : parameters.getValue()) {
                                if ("description".equals(text(field(parameter, "name")))) {
                                    value = field(parameter, "value");
                                }
                            }
                        }
                        if (text(value) == null || text(value).isBlank()) {
                            problems.add(name + ":" + line(body) + ": " + kind + " " + id + " passes no description parameter");
                        } else if (text(value).strip().contains("\n")) {
                            problems.add(name + ":" + line(value) + ": " + kind + " " + id + ": description is not one line");
                        }
                    }
                    default -> { }
                }
                steps(problems, name, body, tally);
            }
        }
        return problems;
    }

    private static void steps(List<String> problems, String name, Node node, Tally tally) {
        if (node instanceof SequenceNode list) {
            list.getValue().forEach(child -> steps(problems, name, child, tally));
        } else if (node instanceof MappingNode map) {
            for (NodeTuple field : map.getValue()) {
                if (STEP_LISTS.contains(text(field.getKeyNode())) && field.getValueNode() instanceof SequenceNode list) {
                    for (Node step : list.getValue()) {
                        if (step instanceof MappingNode eip && eip.getValue().size() == 1) {
                            step(problems, name, text(eip.getValue().get(0).getKeyNode()), eip.getValue().get(0).getValueNode(), tally);
                        }
                    }
                }
                steps(problems, name, field.getValueNode(), tally);
            }
        }
    }

    private static void step(List<String> problems, String name, String eip, Node body, Tally tally) {
        String what = text(field(body, "id"));
        for (String expression : EXPRESSIONS) {
            if (what == null && text(field(field(body, expression), "id")) != null) {
                what = text(field(field(body, expression), "id"));
            }
        }
        if (what == null && SENDING.contains(eip)) {
            String uri = body instanceof ScalarNode ? text(body)
                    : Stream.of("uri", "constant", "simple").map(key -> text(field(body, key))).filter(Objects::nonNull).findFirst().orElse("");
            if (!uri.startsWith("direct:") || uri.contains("${")) {
                what = uri;
            }
        }
        if (what == null) {
            return;
        }
        tally.steps++;
        describe(problems, name, body, eip + " step " + what);
    }

    private static void describe(List<String> problems, String name, Node body, String what) {
        String description = text(field(body, "description"));
        if (description == null || description.isBlank()) {
            problems.add(name + ":" + line(body) + ": " + what + " has no description");
        } else if (description.strip().contains("\n")) {
            problems.add(name + ":" + line(field(body, "description")) + ": " + what + ": description is not one line");
        }
    }

    /** The value of a mapping's field; null when the node is no mapping or has no such field. */
    private static Node field(Node node, String key) {
        if (node instanceof MappingNode map) {
            for (NodeTuple field : map.getValue()) {
                if (key.equals(text(field.getKeyNode()))) {
                    return field.getValueNode();
                }
            }
        }
        return null;
    }

    private static String text(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }

    /** The line (1-based) a node starts on: a step's first field, a scalar's first character. */
    private static int line(Node node) {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }
}
