package org.telenc.engine.teamroutes;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a team route file names that only fails when a job runs through it, found before anything
 * runs: an endpoint whose component, a {@code marshal}/{@code unmarshal} whose data format, or an
 * expression whose language is not on the class path (the engine's jar and the folder of extra jars,
 * {@code loader.path}), a {@code jsonpath} expression or a literal mapping argument of a bean method
 * (parameters marked {@link JsonPathMapping}) that is not a valid JsonPath, a bean (step, method expression,
 * {@code bean:} endpoint or Simple {@code ${bean:...}}) that does not exist or lacks the method
 * (name, and number of arguments when they are given), a {@code direct:} endpoint that no route
 * (the engine's or the team's) consumes, and a property placeholder {@code {{name}}} that has no
 * value and no default. Each problem names the file and line, what is wrong and what to do; never
 * the file's text beyond the names it checks.
 */
final class TeamRouteReferences {

    /** Where Camel looks a component's factory up by its scheme (a jar on the class path ships it). */
    static final String COMPONENT_SERVICE = "META-INF/services/org/apache/camel/component/";
    /** Where Camel looks a language's factory up by its name. */
    static final String LANGUAGE_SERVICE = "META-INF/services/org/apache/camel/language/";
    /** The expression keys of the Camel YAML DSL (the properties of its ExpressionDefinition), each a language's name. */
    static final Set<String> LANGUAGES = Set.of("constant", "csimple", "datasonnet", "exchangeProperty", "groovy", "header",
            "hl7terser", "java", "joor", "jq", "js", "jsonpath", "language", "method", "mvel", "ognl", "python", "ref", "simple",
            "spel", "tokenize", "variable", "wasm", "xpath", "xquery", "xtokenize");
    /** Where Camel looks a data format's factory up by its name. */
    static final String DATA_FORMAT_SERVICE = "META-INF/services/org/apache/camel/dataformat/";
    /** The options of a {@code marshal}/{@code unmarshal} step beside its one data format. */
    static final Set<String> DATA_FORMAT_STEP_OPTIONS = Set.of("id", "description", "disabled", "note", "variableSend",
            "variableReceive", "allowNullBody", "custom");
    /**
     * Spring Boot's PropertiesLauncher (the jar's launcher) adds the jars of the folders this names
     * to the class path; also {@code LOADER_PATH} in the environment.
     */
    static final String EXTRA_JARS = "loader.path";
    /** Keys whose text value is an endpoint URI (the short form {@code - to: direct:x}). */
    static final Set<String> ENDPOINT_KEYS = Set.of("uri", "to", "toD", "wireTap", "enrich", "pollEnrich", "from");
    static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", Pattern.DOTALL);
    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.*?)}}");
    static final Pattern SIMPLE_BEAN = Pattern.compile("\\$\\{bean:([A-Za-z0-9_-]+)(?:(?:\\.|::|\\?method=)([A-Za-z_][A-Za-z0-9_]*))?");
    static final Set<String> PLACEHOLDER_FUNCTIONS = Set.of("env", "sys", "service", "service.host", "service.port",
            "bean", "configmap", "secret", "ref");

    /** What the running engine (or, for the check command, the class path) knows of beans and properties. */
    record Knowledge(ClassLoader classLoader, Function<String, Class<?>> beans, Predicate<String> properties,
            Set<String> engineDirectConsumers) {
    }

    private final Knowledge known;
    private final String file;
    private final Set<String> consumers;
    private final List<TeamRouteFolder.Problem> problems = new ArrayList<>();

    private TeamRouteReferences(Knowledge known, String file, Set<String> consumers) {
        this.known = known;
        this.file = file;
        this.consumers = consumers;
    }

    /**
     * What a route template's {@code from} consumes is kept in the same set under this prefix and the
     * template's id (a space never occurs in a direct: name), for {@link #templatedConsumers}.
     */
    private static final String TEMPLATE = "routeTemplate ";
    /**
     * A route template's parameter whose description declares it a JsonPath ({@code "(jsonpath, optional) ..."}),
     * kept in the same set as {@code routeTemplateJsonPath <template id> <parameter name>}: a templated
     * route's value for it must compile.
     */
    private static final String JSONPATH_PARAMETER = "routeTemplateJsonPath ";

    /**
     * The direct: names the {@code from} endpoints of a file's routes consume, and the {@code from}
     * URIs of its route templates (for {@link #templatedConsumers}).
     */
    static void consumers(JsonNode tree, Set<String> into) {
        if (tree == null || !tree.isArray()) {
            return;
        }
        for (JsonNode item : tree) {
            if (item.has("routeTemplate")) {
                JsonNode template = item.get("routeTemplate");
                JsonNode from = template.path("route").path("from");
                String uri = from.isTextual() ? from.asText() : from.path("uri").asText("");
                if (template.path("id").isTextual() && !uri.isEmpty()) {
                    into.add(TEMPLATE + template.get("id").asText() + " " + uri);
                }
                for (JsonNode parameter : template.path("parameters")) {
                    if (template.path("id").isTextual() && parameter.path("name").isTextual()
                            && parameter.path("description").asText("").startsWith("(jsonpath,")) {
                        into.add(JSONPATH_PARAMETER + template.get("id").asText() + " " + parameter.get("name").asText());
                    }
                }
                continue;
            }
            JsonNode route = item.has("route") ? item.get("route") : item;
            JsonNode from = route.path("from");
            String uri = from.isTextual() ? from.asText() : from.path("uri").asText("");
            String name = directName(uri);
            if (name != null) {
                into.add(name);
            }
        }
    }

    /**
     * The direct: names the file's templated routes consume: their template's {@code from} URI (from
     * {@code known}, filled by {@link #consumers} over every file) with the instance's parameters in
     * place of its {@code {{name}}} placeholders.
     */
    static void templatedConsumers(JsonNode tree, Set<String> known, Set<String> into) {
        if (tree == null || !tree.isArray()) {
            return;
        }
        for (JsonNode item : tree) {
            JsonNode instance = item.path("templatedRoute");
            String ref = instance.path("routeTemplateRef").asText("");
            if (ref.isEmpty()) {
                continue;
            }
            String prefix = TEMPLATE + ref + " ";
            for (String entry : known) {
                if (entry.startsWith(prefix)) {
                    String uri = entry.substring(prefix.length());
                    for (JsonNode parameter : instance.path("parameters")) {
                        uri = uri.replace("{{" + parameter.path("name").asText() + "}}", parameter.path("value").asText());
                    }
                    String name = directName(uri);
                    if (name != null) {
                        into.add(name);
                    }
                }
            }
        }
    }

    /** The problems of one team file; {@code consumers}: every direct: name the engine's and the team's routes consume. */
    static List<TeamRouteFolder.Problem> of(JsonNode tree, String file, Knowledge known, Set<String> consumers) {
        TeamRouteReferences check = new TeamRouteReferences(known, file, consumers);
        check.walk(tree, null, null);
        check.templateJsonPaths(tree);
        return check.problems;
    }

    /** The values a templated route gives a template's JsonPath parameters (emr-rest-call's pageNext, ...): each must compile. */
    private void templateJsonPaths(JsonNode tree) {
        if (tree == null || !tree.isArray()) {
            return;
        }
        for (JsonNode item : tree) {
            JsonNode instance = item.path("templatedRoute");
            String ref = instance.path("routeTemplateRef").asText("");
            for (JsonNode parameter : instance.path("parameters")) {
                String name = parameter.path("name").asText("");
                JsonNode value = parameter.path("value");
                if (!value.isTextual() || value.asText().contains("{{") || !consumers.contains(JSONPATH_PARAMETER + ref + " " + name)) {
                    continue;
                }
                JsonPathMappings.singlePathProblem(value.asText(), true).ifPresent(why -> add(value,
                        "parameter " + name + " of template " + ref + " " + why));
            }
        }
    }

    /** {@code key}: the field that holds the node; {@code parent}: the field that holds its object (for a {@code uri}). */
    private void walk(JsonNode node, String key, String parent) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            text(node, key, parent);
            return;
        }
        if (node.isArray()) {
            node.forEach(child -> walk(child, key, parent));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        if ("marshal".equals(key) || "unmarshal".equals(key)) {
            dataFormats(node);
        }
        boolean beanCall = ("bean".equals(key) || "method".equals(key)) && node.path("ref").isTextual();
        if (beanCall) {
            JsonNode method = node.path("method");
            bean(node.get("ref"), node.get("ref").asText(), method.isTextual() ? method.asText() : null);
            if (method.isTextual()) {
                mappings(method, node.get("ref").asText(), method.asText());
            }
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (("bean".equals(key) || "method".equals(key)) && (field.getKey().equals("ref") || field.getKey().equals("method"))) {
                placeholders(field.getValue());
                continue; // checked above as a bean reference
            }
            if (!(beanCall && field.getKey().equals("method"))) {
                language(field.getKey(), field.getValue());
            }
            walk(field.getValue(), field.getKey(), key);
        }
    }

    private void text(JsonNode node, String key, String parent) {
        String text = node.asText();
        placeholders(node);
        Matcher simple = SIMPLE_BEAN.matcher(text);
        while (simple.find()) {
            String method = simple.group(2);
            if (method != null && text.length() > simple.end() && text.charAt(simple.end()) == '(') {
                method = method + text.substring(simple.end(), closing(text, simple.end()) + 1);
            }
            bean(node, simple.group(1), method);
        }
        if (key != null && ENDPOINT_KEYS.contains(key)) {
            String role = key.equals("uri") && parent != null ? parent : key;
            endpoint(node, text, !role.equals("toD") && !role.equals("from"));
        }
    }

    private void endpoint(JsonNode node, String uri, boolean producer) {
        if (uri.contains("{{") || uri.contains("${")) {
            return; // resolved at run time
        }
        Matcher scheme = SCHEME.matcher(uri.strip());
        if (!scheme.matches()) {
            return; // the schema says what an endpoint is
        }
        String component = scheme.group(1);
        if (known.classLoader().getResource(COMPONENT_SERVICE + component) == null && !isComponentBean(component)) {
            add(node, "unknown component '" + component + "' (no such Camel component on the class path); "
                    + "correct the scheme, or put the component's jars in the folder of extra jars (" + extraJars() + ")");
            return;
        }
        if (component.equals("bean")) {
            String rest = scheme.group(2).replaceFirst("^//", "");
            int query = rest.indexOf('?');
            String name = query < 0 ? rest : rest.substring(0, query);
            Matcher method = Pattern.compile("(?:^|&)method=([^&]+)").matcher(query < 0 ? "" : rest.substring(query + 1));
            bean(node, name, method.find() ? method.group(1) : null);
        }
        String direct = directName(uri);
        if (producer && direct != null && !consumers.contains(direct)) {
            add(node, "direct:" + direct + " is consumed by no route (neither the engine's nor the team's); "
                    + "add a route from direct:" + direct + " or correct the name");
        }
    }

    /**
     * An expression's language ({@code simple: ...}, {@code groovy: ...}, {@code language: {language: x}}):
     * its factory must be on the class path; a {@code jsonpath} expression must compile.
     */
    private void language(String key, JsonNode value) {
        if (!LANGUAGES.contains(key) || !(value.isTextual() || value.isObject())) {
            return;
        }
        String name = key;
        if (key.equals("language")) {
            if (!value.path("language").isTextual()) {
                return; // the text of a language expression's own language field, seen from its object
            }
            name = value.path("language").asText().strip();
            if (name.isEmpty() || name.contains("{{")) {
                return;
            }
        }
        String service = name.equals("method") ? "bean" : name;
        if (known.classLoader().getResource(LANGUAGE_SERVICE + service) == null
                && known.classLoader().getResource(LANGUAGE_SERVICE + kebab(service)) == null) {
            add(value, "unknown expression language '" + name + "' (no such Camel language on the class path); "
                    + "correct the language, or put " + languageJar(name) + " and its dependencies in the folder of extra jars ("
                    + extraJars() + ")");
            return;
        }
        if (name.equals("jsonpath")) {
            JsonNode expression = value.isTextual() ? value : value.path("expression");
            String text = expression.asText("");
            if (expression.isTextual() && !text.contains("${") && !text.contains("{{")) {
                JsonPathMappings.singlePathProblem(text, false)
                        .ifPresent(why -> add(expression, "jsonpath expression " + why));
            }
        }
    }

    /** The jar that ships a language (camel-&lt;name&gt; but for a few), at the Camel version on the class path. */
    static String languageJar(String language) {
        String artifact = switch (language) {
            case "hl7terser" -> "camel-hl7";
            case "xquery" -> "camel-saxon";
            case "xtokenize" -> "camel-stax";
            case "js" -> "camel-javascript";
            case "spel" -> "camel-spring";
            case "java" -> "camel-joor";
            case "method" -> "camel-bean";
            case "simple", "constant", "header", "exchangeProperty", "variable", "ref", "tokenize", "csimple" -> "camel-core-languages";
            default -> "camel-" + language;
        };
        return "org.apache.camel:" + artifact + ":" + camelVersion();
    }

    private static String camelVersion() {
        String version = org.apache.camel.CamelContext.class.getPackage().getImplementationVersion();
        return version == null ? "<the engine's Camel version>" : version;
    }

    /**
     * The literal arguments a bean call passes to parameters marked {@link JsonPathMapping}
     * ({@code emrRecords.result('PatientMatch', 'patientIds=$.patients[*].patient_id', ${body})}):
     * each must be what the bean accepts when a job runs.
     */
    private void mappings(JsonNode at, String beanName, String methodText) {
        int open = methodText.indexOf('(');
        if (open < 0 || beanName.contains("{{") || methodText.contains("{{")) {
            return;
        }
        Class<?> type = known.beans().apply(beanName);
        if (type == null) {
            return; // bean() said so
        }
        type = org.springframework.util.ClassUtils.getUserClass(type);
        String methodName = methodText.substring(0, open).strip();
        List<String> arguments = arguments(methodText.substring(open + 1, Math.max(open + 1, closing(methodText, open))));
        for (Method method : type.getMethods()) {
            if (!method.getName().equals(methodName) || method.getParameterCount() < arguments.size()) {
                continue;
            }
            java.lang.annotation.Annotation[][] marks = method.getParameterAnnotations();
            for (int i = 0; i < arguments.size(); i++) {
                JsonPathMapping mark = null;
                for (java.lang.annotation.Annotation a : marks[i]) {
                    if (a instanceof JsonPathMapping m) {
                        mark = m;
                    }
                }
                String literal = quoted(arguments.get(i));
                if (mark == null || literal == null || literal.contains("${")) {
                    continue;
                }
                String where = beanName + "." + methodName + " argument " + (i + 1) + ": ";
                switch (mark.value()) {
                    case FIELD_LIST -> JsonPathMappings.fieldListProblems(literal).forEach(why -> add(at, where + why));
                    case PATH, OPTIONAL_PATH -> JsonPathMappings.singlePathProblem(literal,
                            mark.value() == JsonPathMapping.Kind.OPTIONAL_PATH).ifPresent(why -> add(at, where + why));
                }
            }
            return; // the first method that takes the call
        }
    }

    /** The text of a quoted literal argument ({@code 'a'} or {@code "a"}), or null for anything else. */
    private static String quoted(String argument) {
        String text = argument.strip();
        if (text.length() >= 2 && (text.charAt(0) == '\'' || text.charAt(0) == '"') && text.charAt(text.length() - 1) == text.charAt(0)) {
            return text.substring(1, text.length() - 1);
        }
        return null;
    }

    /** A method call's argument texts (commas outside quotes, parentheses and ${...}). */
    static List<String> arguments(String inside) {
        List<String> out = new ArrayList<>();
        if (inside.isBlank()) {
            return out;
        }
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < inside.length(); i++) {
            char c = inside.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(inside.substring(start, i));
                start = i + 1;
            }
        }
        out.add(inside.substring(start));
        return out;
    }

    /** The one data format of a {@code marshal}/{@code unmarshal} step: its factory must be on the class path. */
    private void dataFormats(JsonNode step) {
        Iterator<Map.Entry<String, JsonNode>> fields = step.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (DATA_FORMAT_STEP_OPTIONS.contains(name)) {
                continue;
            }
            String service = dataFormatService(name, field.getValue());
            if (known.classLoader().getResource(DATA_FORMAT_SERVICE + service) == null
                    && known.classLoader().getResource(DATA_FORMAT_SERVICE + kebab(service)) == null) {
                add(field.getValue(), "unknown data format '" + name + "' (no such Camel data format on the class path); "
                        + "correct the name, or put the data format's jars in the folder of extra jars (" + extraJars() + ")");
            }
        }
    }

    /** The name Camel resolves a data format by: the key's, but {@code json} and {@code yaml} name their library's. */
    private static String dataFormatService(String key, JsonNode options) {
        String library = options.path("library").asText("");
        return switch (key) {
            case "json" -> library.isEmpty() ? "jackson" : Character.toLowerCase(library.charAt(0)) + library.substring(1);
            case "yaml" -> "snakeYaml";
            default -> key;
        };
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** The folder setting, as the launcher reads it (system property, then environment), for a problem's "what to do". */
    static String extraJars() {
        String value = System.getProperty(EXTRA_JARS);
        if (value == null || value.isBlank()) {
            value = System.getenv("LOADER_PATH");
        }
        return value == null || value.isBlank() ? EXTRA_JARS + " / LOADER_PATH, not set"
                : EXTRA_JARS + " / LOADER_PATH: " + value.strip();
    }

    private boolean isComponentBean(String name) {
        Class<?> type = known.beans().apply(name);
        return type != null && org.apache.camel.Component.class.isAssignableFrom(type);
    }

    private void bean(JsonNode node, String name, String method) {
        if (name.contains("{{") || name.contains("${")) {
            return;
        }
        Class<?> type = known.beans().apply(name);
        if (type == null) {
            add(node, "bean '" + name + "' does not exist; correct the name (a bean of the engine, or one the team's files define)");
            return;
        }
        if (method == null || method.isBlank() || method.contains("{{")) {
            return;
        }
        String methodName = method.strip();
        Integer arguments = null;
        int open = methodName.indexOf('(');
        if (open >= 0) {
            String inside = methodName.substring(open + 1, Math.max(open + 1, methodName.lastIndexOf(')')));
            arguments = arguments(inside).size();
            methodName = methodName.substring(0, open).strip();
        }
        String wanted = methodName;
        List<Method> named = Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(wanted))
                .filter(m -> m.getDeclaringClass() != Object.class).toList();
        if (named.isEmpty()) {
            add(node, "bean '" + name + "' has no method '" + methodName + "'; correct the method name ("
                    + type.getSimpleName() + " has " + String.join(", ", publicMethods(type)) + ")");
            return;
        }
        Integer count = arguments;
        // Camel binds the values given to the first parameters and the rest by annotation (@Body,
        // @ExchangeProperty, ...): a method takes the call when it has at least as many parameters
        if (count != null && named.stream().noneMatch(m -> m.getParameterCount() >= count || m.isVarArgs())) {
            int most = named.stream().mapToInt(Method::getParameterCount).max().orElse(0);
            add(node, "bean '" + name + "' has no method '" + methodName + "' taking " + count + " argument"
                    + (count == 1 ? "" : "s") + "; give it at most " + most);
        }
    }

    private static List<String> publicMethods(Class<?> type) {
        return Arrays.stream(type.getMethods()).filter(m -> m.getDeclaringClass() != Object.class)
                .map(Method::getName).distinct().sorted().toList();
    }

    private void placeholders(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return;
        }
        Matcher placeholder = PLACEHOLDER.matcher(node.asText());
        while (placeholder.find()) {
            String key = placeholder.group(1).strip();
            if (key.startsWith("?") || key.isEmpty()) {
                continue; // optional
            }
            String[] parts = key.split(":", -1);
            if (PLACEHOLDER_FUNCTIONS.contains(parts[0])) {
                if (parts.length > 2) {
                    continue; // a default
                }
                String name = parts.length > 1 ? parts[1] : "";
                boolean has = switch (parts[0]) {
                    case "env" -> System.getenv(name) != null || System.getenv(name.toUpperCase().replace('.', '_').replace('-', '_')) != null;
                    case "sys" -> System.getProperty(name) != null;
                    default -> true;
                };
                if (!has) {
                    add(node, "property placeholder {{" + key + "}} has no value (" + parts[0] + " " + name
                            + " is not set); set it, or give a default: {{" + key + ":<default>}}");
                }
                continue;
            }
            if (parts.length > 1) {
                continue; // {{name:default}}
            }
            if (!known.properties().test(key)) {
                add(node, "property placeholder {{" + key + "}} has no value; set the property " + key
                        + " (application.yml, environment), or give a default: {{" + key + ":<default>}}");
            }
        }
    }

    private void add(JsonNode node, String why) {
        JsonLocation at = YamlDslSchema.locationOf(node);
        problems.add(new TeamRouteFolder.Problem(file, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), why));
    }

    static String directName(String uri) {
        if (uri == null) {
            return null;
        }
        String text = uri.strip();
        if (!text.startsWith("direct:")) {
            return null;
        }
        String name = text.substring("direct:".length()).replaceFirst("^//", "");
        int query = name.indexOf('?');
        name = query < 0 ? name : name.substring(0, query);
        return name.isEmpty() || name.contains("${") || name.contains("{{") ? null : name;
    }

    /** The index of the parenthesis that closes the one at {@code open}. */
    private static int closing(String text, int open) {
        int depth = 0;
        char quote = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '{') {
                depth++;
            } else if ((c == ')' || c == '}') && --depth == 0) {
                return i;
            }
        }
        return text.length() - 1;
    }
}
