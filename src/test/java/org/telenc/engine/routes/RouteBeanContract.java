package org.telenc.engine.routes;

import java.io.IOException;
import java.io.Reader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.TypeConverter;
import org.apache.camel.language.simple.Simple;
import org.apache.camel.spi.Registry;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.SimpleBeanDefinitionRegistry;
import org.springframework.context.annotation.AnnotationBeanNameGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads route files and the engine's beans and lists where they disagree: a bean a route names
 * that is no bean, a method that is not there or cannot be bound as the route calls it, an
 * exchange property or header name that is not declared in {@link ExchangeProperties} /
 * {@link MessageHeaders}, a property a bean binds that no route sets, and two properties set to
 * the same value side by side (one object under two names: there is no known alias). No Spring context: beans are found by scanning for {@code @Component} (and its
 * stereotypes) and {@code @Bean} methods, named as Spring names them.
 */
final class RouteBeanContract {

    /** {@code ${exchangeProperty.name...}}, {@code ${exchangeProperty[name]}}, also inside longer Simple. */
    private static final Pattern PROPERTY_READ = Pattern.compile(
            "\\$\\{\\s*exchangePropert(?:y|ies)(?:\\.|\\[['\"]?)([A-Za-z0-9_-]+)");
    private static final Pattern HEADER_READ = Pattern.compile(
            "\\$\\{\\s*(?:in\\.)?headers?(?:\\.|:|\\[['\"]?)([A-Za-z0-9_-]+)");
    /** {@code bean:name?method=x}, as endpoint URI or Simple {@code ${bean:...}}. */
    private static final Pattern BEAN_URI = Pattern.compile(
            "(?<![\\w-])bean:([A-Za-z0-9_]+)(?:\\?method=([A-Za-z0-9_]+(?:\\([^)]*\\))?))?");
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([A-Za-z0-9_-]+)}");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{\\{([A-Za-z0-9_.-]+)}}");
    private static final Set<Class<?>> CAMEL_BOUND_TYPES = Set.of(Exchange.class, Message.class, CamelContext.class,
            TypeConverter.class, Registry.class);

    record Use(String where, String bean, String method) {
    }

    final List<String> problems = new ArrayList<>();
    final Map<String, Class<?>> beans = new TreeMap<>();
    final List<Use> uses = new ArrayList<>();
    final Map<String, Set<String>> propertiesSet = new TreeMap<>();
    final Map<String, Set<String>> propertiesRead = new TreeMap<>();
    final Map<String, Set<String>> headersSet = new TreeMap<>();
    final Map<String, Set<String>> headersRead = new TreeMap<>();
    final Map<String, Set<String>> propertiesBound = new TreeMap<>();
    final Map<String, Set<String>> headersBound = new TreeMap<>();
    final Set<String> declaredProperties = constants(ExchangeProperties.class);
    final Set<String> declaredHeaders = constants(MessageHeaders.class);
    private final Map<String, List<Map<String, String>>> templateInstances = new LinkedHashMap<>();

    RouteBeanContract(String basePackage) {
        scanBeans(basePackage);
    }

    /** Reads every {@code *.camel.yaml} under {@code routes} and checks it against the beans. */
    RouteBeanContract check(Path routes) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(routes)) {
            files = walk.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        Map<String, Object> documents = new LinkedHashMap<>();
        for (Path file : files) {
            try (Reader reader = Files.newBufferedReader(file)) {
                documents.put(routes.relativize(file).toString(), new Yaml().load(reader));
            }
        }
        documents.values().forEach(this::collectTemplateInstances);
        documents.forEach((file, document) -> {
            if (document instanceof List<?> entries) {
                for (Object entry : entries) {
                    walkEntry(file, entry);
                }
            }
        });
        checkUses();
        checkNames();
        return this;
    }

    // ---- beans ----

    private void scanBeans(String basePackage) {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Component.class));
        SimpleBeanDefinitionRegistry registry = new SimpleBeanDefinitionRegistry();
        for (BeanDefinition definition : scanner.findCandidateComponents(basePackage)) {
            String name = AnnotationBeanNameGenerator.INSTANCE.generateBeanName((AnnotatedBeanDefinition) definition, registry);
            Class<?> type = load(definition.getBeanClassName());
            beans.put(name, type);
            for (Method method : type.getDeclaredMethods()) {
                Bean bean = method.getAnnotation(Bean.class);
                if (bean != null) {
                    String[] names = bean.name().length > 0 ? bean.name() : bean.value();
                    for (String beanName : names.length > 0 ? names : new String[] {method.getName()}) {
                        beans.put(beanName, method.getReturnType());
                    }
                }
            }
        }
        for (Map.Entry<String, Class<?>> bean : beans.entrySet()) {
            collectBindings(bean.getValue());
        }
    }

    private void collectBindings(Class<?> type) {
        for (Method method : type.getMethods()) {
            for (Parameter parameter : method.getParameters()) {
                String where = type.getSimpleName() + "." + method.getName();
                ExchangeProperty property = parameter.getAnnotation(ExchangeProperty.class);
                if (property != null) {
                    propertiesBound.computeIfAbsent(property.value(), k -> new TreeSet<>()).add(where);
                }
                Header header = parameter.getAnnotation(Header.class);
                if (header != null) {
                    headersBound.computeIfAbsent(header.value(), k -> new TreeSet<>()).add(where);
                }
                Simple simple = parameter.getAnnotation(Simple.class);
                if (simple != null) {
                    reads(where, simple.value());
                }
            }
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, RouteBeanContract.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<String> constants(Class<?> holder) {
        Set<String> names = new TreeSet<>();
        for (Field field : holder.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }

    // ---- route files ----

    @SuppressWarnings("unchecked")
    private void collectTemplateInstances(Object document) {
        if (!(document instanceof List<?> entries)) {
            return;
        }
        for (Object entry : entries) {
            if (entry instanceof Map<?, ?> map && map.get("templatedRoute") instanceof Map<?, ?> templated) {
                Map<String, String> values = new LinkedHashMap<>();
                if (templated.get("parameters") instanceof List<?> parameters) {
                    for (Object parameter : parameters) {
                        if (parameter instanceof Map<?, ?> p) {
                            values.put(String.valueOf(p.get("name")), String.valueOf(p.get("value")));
                        }
                    }
                }
                values.putIfAbsent("routeId", String.valueOf(templated.get("routeId")));
                templateInstances.computeIfAbsent(String.valueOf(templated.get("routeTemplateRef")), k -> new ArrayList<>())
                        .add(values);
            }
        }
    }

    private void walkEntry(String file, Object entry) {
        if (!(entry instanceof Map<?, ?> map)) {
            return;
        }
        if (map.get("routeTemplate") instanceof Map<?, ?> template) {
            String id = String.valueOf(template.get("id"));
            Map<String, String> defaults = new LinkedHashMap<>();
            if (template.get("parameters") instanceof List<?> parameters) {
                for (Object parameter : parameters) {
                    if (parameter instanceof Map<?, ?> p && p.get("defaultValue") != null) {
                        defaults.put(String.valueOf(p.get("name")), String.valueOf(p.get("defaultValue")));
                    }
                }
            }
            List<Map<String, String>> instances = templateInstances.getOrDefault(id, List.of(Map.of()));
            for (Map<String, String> instance : instances) {
                Map<String, String> values = new LinkedHashMap<>(defaults);
                values.putAll(instance);
                String where = file + " routeTemplate " + id + (instance.isEmpty() ? "" : " as " + instance.get("routeId"));
                walk(where, template, s -> substitute(s, values));
            }
            return;
        }
        if (map.get("beans") instanceof List<?> definitions) {
            for (Object definition : definitions) {
                if (definition instanceof Map<?, ?> d && d.get("name") != null && d.get("type") != null) {
                    String type = String.valueOf(d.get("type")).replaceFirst("^#class:", "");
                    beans.put(String.valueOf(d.get("name")), load(type));
                }
            }
            return;
        }
        for (Map.Entry<?, ?> kind : map.entrySet()) {
            if ("rest".equals(kind.getKey())) {
                restPaths(file + " rest", kind.getValue(), UnaryOperator.identity());
            }
            Object id = kind.getValue() instanceof Map<?, ?> body ? body.get("id") : null;
            walk(file + " " + kind.getKey() + " " + id, kind.getValue(), UnaryOperator.identity());
        }
    }

    private static String substitute(String text, Map<String, String> values) {
        Matcher m = TEMPLATE_PARAM.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        return m.appendTail(out).toString();
    }

    private void walk(String where, Object node, UnaryOperator<String> text) {
        if (node instanceof List<?> list) {
            walkSteps(where, list, text);
            for (Object item : list) {
                walk(where, item, text);
            }
        } else if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                Object value = e.getValue();
                switch (key) {
                    case "bean" -> beanCall(where, value, text);
                    case "method" -> {
                        if (value instanceof Map<?, ?>) {
                            beanCall(where, value, text);
                        }
                    }
                    case "setProperty" -> named(where, value, text, propertiesSet);
                    case "setHeader" -> named(where, value, text, headersSet);
                    case "removeProperty" -> named(where, value, text, propertiesRead);
                    case "removeHeader" -> named(where, value, text, headersRead);
                    case "setHeaders" -> {
                        if (value instanceof Map<?, ?> m && m.get("headers") instanceof List<?> headers) {
                            headers.forEach(h -> named(where, h, text, headersSet));
                        }
                    }
                    case "exchangeProperty" -> expressionName(where, value, text, propertiesRead);
                    case "header" -> expressionName(where, value, text, headersRead);
                    case "rest" -> restPaths(where, value, text);
                    default -> {
                    }
                }
                if (value instanceof String s) {
                    strings(where, text.apply(s));
                } else {
                    walk(where, value, text);
                }
            }
        } else if (node instanceof String s) {
            strings(where, text.apply(s));
        }
    }

    /** Two setProperty steps side by side with one value: one object under two names. */
    private void walkSteps(String where, List<?> steps, UnaryOperator<String> text) {
        Map<String, String> namesByValue = new LinkedHashMap<>();
        for (Object step : steps) {
            if (step instanceof Map<?, ?> m && m.get("setProperty") instanceof Map<?, ?> set && set.get("name") != null) {
                String name = text.apply(String.valueOf(set.get("name")));
                Map<Object, Object> value = new TreeMap<>(Map.copyOf(set));
                value.remove("name");
                value.remove("id");
                value.remove("description");
                String key = value.toString();
                String other = namesByValue.putIfAbsent(key, name);
                if (other != null) {
                    problems.add(where + ": exchange properties '" + other + "' and '" + name + "' are set to the same "
                            + key + ": one object, two names");
                }
            }
        }
    }

    private void beanCall(String where, Object value, UnaryOperator<String> text) {
        if (value instanceof Map<?, ?> call) {
            Object ref = call.get("ref");
            Object beanType = call.get("beanType");
            String method = call.get("method") == null ? null : text.apply(String.valueOf(call.get("method")));
            if (ref != null) {
                uses.add(new Use(where, text.apply(String.valueOf(ref)), method));
            } else if (beanType != null) {
                uses.add(new Use(where, "#type:" + text.apply(String.valueOf(beanType)), method));
            }
        }
    }

    private void named(String where, Object value, UnaryOperator<String> text, Map<String, Set<String>> into) {
        if (value instanceof Map<?, ?> m && m.get("name") != null) {
            into.computeIfAbsent(text.apply(String.valueOf(m.get("name"))), k -> new TreeSet<>()).add(where);
        }
    }

    private void expressionName(String where, Object value, UnaryOperator<String> text, Map<String, Set<String>> into) {
        Object name = value instanceof Map<?, ?> m ? m.get("expression") : value;
        if (name instanceof String s && !s.contains("${")) {
            into.computeIfAbsent(text.apply(s), k -> new TreeSet<>()).add(where);
        }
    }

    /** Path parameters of REST verbs reach the route as headers. */
    private void restPaths(String where, Object rest, UnaryOperator<String> text) {
        if (!(rest instanceof Map<?, ?> map)) {
            return;
        }
        for (Object verbs : map.values()) {
            if (verbs instanceof List<?> list) {
                for (Object verb : list) {
                    if (verb instanceof Map<?, ?> v && v.get("path") instanceof String path) {
                        Matcher m = PATH_PARAM.matcher(text.apply(path));
                        while (m.find()) {
                            headersSet.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(where);
                        }
                    }
                }
            }
        }
    }

    private void strings(String where, String s) {
        reads(where, s);
        Matcher bean = BEAN_URI.matcher(s);
        while (bean.find()) {
            uses.add(new Use(where, bean.group(1), bean.group(2)));
        }
    }

    private void reads(String where, String s) {
        Matcher p = PROPERTY_READ.matcher(s);
        while (p.find()) {
            propertiesRead.computeIfAbsent(p.group(1), k -> new TreeSet<>()).add(where);
        }
        Matcher h = HEADER_READ.matcher(s);
        while (h.find()) {
            headersRead.computeIfAbsent(h.group(1), k -> new TreeSet<>()).add(where);
        }
    }

    // ---- checks ----

    private void checkUses() {
        for (Use use : uses) {
            Class<?> type;
            if (use.bean().startsWith("#type:")) {
                String name = use.bean().substring("#type:".length());
                try {
                    type = Class.forName(name, false, getClass().getClassLoader());
                } catch (ClassNotFoundException e) {
                    problems.add(use.where() + ": beanType " + name + " is no class");
                    continue;
                }
            } else {
                type = beans.get(use.bean());
                if (type == null) {
                    problems.add(use.where() + ": bean '" + use.bean() + "' is no bean of the engine");
                    continue;
                }
            }
            if (use.method() != null) {
                String problem = methodProblem(type, use.method());
                if (problem != null) {
                    problems.add(use.where() + ": " + use.bean() + "." + use.method() + ": " + problem);
                }
            }
        }
    }

    /** Null when {@code type} has a public method Camel can call as {@code spec} says; else why not. */
    static String methodProblem(Class<?> type, String spec) {
        int open = spec.indexOf('(');
        String name = (open < 0 ? spec : spec.substring(0, open)).trim();
        Integer explicit = open < 0 ? null : arguments(spec.substring(open + 1, spec.lastIndexOf(')')));
        List<Method> candidates = Stream.of(type.getMethods()).filter(m -> m.getName().equals(name))
                .filter(m -> m.getDeclaringClass() != Object.class).toList();
        if (candidates.isEmpty()) {
            return "no public method " + name + " on " + type.getName();
        }
        if (explicit != null) {
            if (candidates.stream().noneMatch(m -> m.getParameterCount() == explicit)) {
                return "called with " + explicit + " argument(s), but " + type.getSimpleName() + "." + name + " takes "
                        + candidates.stream().map(m -> String.valueOf(m.getParameterCount())).distinct().toList();
            }
            return null;
        }
        if (candidates.stream().noneMatch(m -> unboundParameters(m) <= 1)) {
            return "called without arguments, but every " + type.getSimpleName() + "." + name
                    + " has more than one parameter that is neither the body nor bound by an annotation or type";
        }
        return null;
    }

    /** Parameters Camel has nothing to bind with but the body. */
    private static long unboundParameters(Method method) {
        return Stream.of(method.getParameters())
                .filter(p -> CAMEL_BOUND_TYPES.stream().noneMatch(t -> t.isAssignableFrom(p.getType())))
                .filter(p -> Stream.of(p.getAnnotations()).map(Annotation::annotationType)
                        .noneMatch(a -> a.getPackageName().startsWith("org.apache.camel")
                                && !a.getSimpleName().equals("Body")))
                .count();
    }

    /** The number of top-level, comma-separated arguments (commas inside quotes, parentheses and ${} do not count). */
    static int arguments(String list) {
        if (list.isBlank()) {
            return 0;
        }
        int count = 1;
        int depth = 0;
        char quote = 0;
        for (char c : list.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '{') {
                depth++;
            } else if (c == ')' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                count++;
            }
        }
        return count;
    }

    private void checkNames() {
        undeclared("exchange property", "set by", propertiesSet, declaredProperties);
        undeclared("exchange property", "read by", propertiesRead, declaredProperties);
        undeclared("exchange property", "bound by bean", propertiesBound, declaredProperties);
        undeclared("header", "set by", headersSet, declaredHeaders);
        undeclared("header", "read by", headersRead, declaredHeaders);
        undeclared("header", "bound by bean", headersBound, declaredHeaders);
        propertiesBound.forEach((name, where) -> {
            if (!isCamels(name) && !propertiesSet.containsKey(name)) {
                problems.add("exchange property '" + name + "' is bound by " + where + " but set by no route");
            }
        });
        Set<String> unusedProperties = new TreeSet<>(declaredProperties);
        Stream.of(propertiesSet, propertiesRead, propertiesBound).forEach(m -> unusedProperties.removeAll(m.keySet()));
        unusedProperties.forEach(name -> problems.add("ExchangeProperties declares '" + name + "', which no route and no bean uses"));
        Set<String> unusedHeaders = new TreeSet<>(declaredHeaders);
        Stream.of(headersSet, headersRead, headersBound).forEach(m -> unusedHeaders.removeAll(m.keySet()));
        unusedHeaders.forEach(name -> problems.add("MessageHeaders declares '" + name + "', which no route and no bean uses"));
    }

    private void undeclared(String what, String how, Map<String, Set<String>> names, Set<String> declared) {
        names.forEach((name, where) -> {
            if (!isCamels(name) && !declared.contains(name)) {
                problems.add(what + " '" + name + "' " + how + " " + where + " is not declared in "
                        + (declared == declaredProperties ? "ExchangeProperties" : "MessageHeaders"));
            }
        });
    }

    /** Camel's own names ({@code Exchange.HTTP_RESPONSE_CODE} and the like) are Camel's contract, not ours. */
    private static boolean isCamels(String name) {
        return name.startsWith("Camel");
    }
}
