package org.telenc.engine.teamroutes;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The checks on a folder of an integration team's route files ({@code engine.routes.extra-location}),
 * the same at start-up, on reload and in the check command ({@code --engine.routes.check}): every
 * {@code *.camel.yaml} directly in the folder is YAML, valid against the Camel YAML DSL schema, gives
 * every route, routeConfiguration, routeTemplate and rest an id, takes no id the engine's built-in
 * files ({@code classpath:routes/**}, not {@code routes/examples/}) define, no id twice, and names in
 * {@code routeConfigurationId} only route configurations that exist (the engine's or the team's).
 * Problems quote file names, lines, columns, ids and schema messages only, never the files' text.
 */
public final class TeamRouteFolder {

    /** Where the engine's own route files are on the classpath; {@code examples/} are team files, not built-in. */
    static final String BUILT_IN = "classpath*:routes/**/*.camel.yaml";
    static final String EXAMPLES = "/routes/examples/";
    static final String SUFFIX = ".camel.yaml";
    static final String EXTENSION_POINTS = "use an extension point (docs/route-authoring.md \"Extension points\")";
    /** The top-level kinds that carry an id of their own, with the key of that id. */
    static final Map<String, String> ID_KEYS = Map.of("route", "id", "routeConfiguration", "id",
            "routeTemplate", "id", "rest", "id", "templatedRoute", "routeId");

    /** One problem: {@code file:line:column: why} (line and column 0 when the problem is the file or folder). */
    public record Problem(String file, int line, int column, String why) {
        @Override
        public String toString() {
            return line > 0 ? file + ":" + line + ":" + column + ": " + why : file + ": " + why;
        }
    }

    /** A top-level definition with an id: its kind (route, routeConfiguration, ...), id and where it is. */
    public record Definition(String kind, String id, String file, int line, int column) {
    }

    /**
     * What a check found: the files' text as read (what is validated is what gets loaded), their
     * definitions and the problems; valid when there are none.
     */
    public record Scan(Path folder, Map<String, String> files, List<Definition> definitions, List<Problem> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }

        public List<String> ids(String kind) {
            return definitions.stream().filter(d -> d.kind().equals(kind)).map(Definition::id).toList();
        }

        /** The same files with these problems instead (what Camel's load found). */
        public Scan withProblems(List<Problem> found) {
            return new Scan(folder, files, definitions, List.copyOf(found));
        }

        /** All problems as one text, one per line, for a start-up failure or the check command. */
        public String report() {
            StringBuilder text = new StringBuilder("team route files in ").append(folder).append(" refused (")
                    .append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
            problems.forEach(p -> text.append("\n  ").append(p));
            return text.toString();
        }
    }

    private final YamlDslSchema schema;
    private final List<Definition> engine;
    private final TeamRouteReferences.Knowledge known;

    private TeamRouteFolder(YamlDslSchema schema, List<Definition> engine, TeamRouteReferences.Knowledge known) {
        this.schema = schema;
        this.engine = engine;
        this.known = known;
    }

    /**
     * The same checks, with what a running engine knows besides the class path: its beans (a bean
     * that is neither the engine's component nor on the class path, say Spring Boot's) and its
     * resolved properties. Start-up and reload use this; the check command the class path alone.
     */
    public TeamRouteFolder knowing(Function<String, Class<?>> beans, Predicate<String> properties) {
        Function<String, Class<?>> before = known.beans();
        Predicate<String> props = known.properties();
        return new TeamRouteFolder(schema, engine, new TeamRouteReferences.Knowledge(known.classLoader(),
                name -> {
                    Class<?> type = before.apply(name);
                    return type != null ? type : beans.apply(name);
                }, key -> props.test(key) || properties.test(key), known.engineDirectConsumers()));
    }

    /** The checks, with the built-in files found through {@code classLoader}. */
    public static TeamRouteFolder withBuiltInRoutesOf(ClassLoader classLoader) {
        try {
            YamlDslSchema schema = YamlDslSchema.shared();
            List<Definition> engine = new ArrayList<>();
            Set<String> consumers = new TreeSet<>();
            List<JsonNode> trees = new ArrayList<>();
            Resource[] builtIn = new PathMatchingResourcePatternResolver(classLoader).getResources(BUILT_IN);
            for (Resource file : builtIn) {
                String url = file.getURL().toString();
                if (url.contains(EXAMPLES)) {
                    continue;
                }
                String name = "routes/" + url.substring(url.lastIndexOf("/routes/") + "/routes/".length());
                try (InputStream in = file.getInputStream()) {
                    JsonNode tree = schema.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    definitions(tree, name, engine, new ArrayList<>(), new ArrayList<>());
                    TeamRouteReferences.consumers(tree, consumers);
                    trees.add(tree);
                } catch (YamlDslSchema.NotYaml e) {
                    throw new IllegalStateException("built-in route file " + name + " is not YAML", e);
                }
            }
            if (engine.isEmpty()) {
                throw new IllegalStateException("no built-in route files at " + BUILT_IN);
            }
            Set<String> templates = Set.copyOf(consumers);
            trees.forEach(tree -> TeamRouteReferences.templatedConsumers(tree, templates, consumers));
            return new TeamRouteFolder(schema, List.copyOf(engine), new TeamRouteReferences.Knowledge(classLoader,
                    EngineBeans.lazy(classLoader), EngineBeans.properties(classLoader), Set.copyOf(consumers)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the Camel YAML DSL schema or the built-in route files", e);
        }
    }

    /** The ids the engine's own files define (all kinds). */
    public List<Definition> engineDefinitions() {
        return engine;
    }

    /** Checks every {@code *.camel.yaml} directly in {@code folder} (symbolic links followed: a ConfigMap mount). */
    public Scan check(Path folder) {
        Path at = folder.toAbsolutePath().normalize();
        String prefix = at.getFileName() == null ? "" : at.getFileName() + "/";
        List<Problem> problems = new ArrayList<>();
        List<Definition> definitions = new ArrayList<>();
        List<Reference> references = new ArrayList<>();
        Map<String, String> files = new TreeMap<>();
        Map<String, JsonNode> trees = new LinkedHashMap<>();
        if (!Files.isDirectory(at)) {
            problems.add(new Problem(at.toString(), 0, 0, Files.exists(at) ? "not a folder" : "no such folder"));
            return new Scan(at, files, definitions, problems);
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(at)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                // ..data and ..2024_... of a ConfigMap mount are folders; the files are links through ..data
                if (name.endsWith(SUFFIX) && !name.startsWith(".") && Files.isRegularFile(entry)) {
                    files.put(name, null);
                }
            }
        } catch (IOException e) {
            problems.add(new Problem(at.toString(), 0, 0, "cannot list the folder (" + e.getClass().getSimpleName() + ")"));
            return new Scan(at, files, definitions, problems);
        }
        for (String name : List.copyOf(files.keySet())) {
            String shown = prefix + name;
            String text;
            try {
                text = Files.readString(at.resolve(name), StandardCharsets.UTF_8);
            } catch (IOException e) {
                files.remove(name);
                problems.add(new Problem(shown, 0, 0, "cannot read the file (" + e.getClass().getSimpleName() + ")"));
                continue;
            }
            files.put(name, text);
            JsonNode tree;
            try {
                tree = schema.read(text);
            } catch (YamlDslSchema.NotYaml e) {
                problems.add(new Problem(shown, e.line(), e.column(), e.getMessage()));
                continue;
            }
            List<Problem> invalid = collapsed(schema.problems(tree, shown).stream().map(p -> schemaProblem(shown, p)).toList());
            problems.addAll(invalid);
            if (invalid.isEmpty()) {
                trees.put(shown, tree);
            }
            List<Problem> missing = new ArrayList<>();
            definitions(tree, shown, definitions, references, missing);
            problems.addAll(missing);
        }
        problems.addAll(ownership(definitions, references));
        problems.addAll(references(trees));
        problems.sort(Comparator.comparing(Problem::file).thenComparingInt(Problem::line).thenComparingInt(Problem::column));
        return new Scan(at, files, List.copyOf(definitions), List.copyOf(problems));
    }

    /** The run-time references of the files that passed the schema, against the engine's and the team's routes and beans. */
    private List<Problem> references(Map<String, JsonNode> trees) {
        Set<String> consumers = new TreeSet<>(known.engineDirectConsumers());
        Map<String, Class<?>> teamBeans = new LinkedHashMap<>();
        trees.values().forEach(tree -> {
            TeamRouteReferences.consumers(tree, consumers);
            teamBeans.putAll(EngineBeans.declaredIn(tree, known.classLoader()));
        });
        Set<String> templates = Set.copyOf(consumers);
        trees.values().forEach(tree -> TeamRouteReferences.templatedConsumers(tree, templates, consumers));
        TeamRouteReferences.Knowledge withTeam = new TeamRouteReferences.Knowledge(known.classLoader(),
                name -> teamBeans.containsKey(name) ? teamBeans.get(name) : known.beans().apply(name),
                known.properties(), known.engineDirectConsumers());
        List<Problem> found = new ArrayList<>();
        trees.forEach((file, tree) -> found.addAll(TeamRouteReferences.of(tree, file, withTeam, consumers)));
        return found;
    }

    /**
     * One problem per place: a value of the wrong kind under a {@code oneOf} gives the schema
     * library a message per branch (one unquoted boolean, 31 lines). The one kept is the most
     * telling: a type mismatch, then an unknown or missing property, then the first.
     */
    static List<Problem> collapsed(List<Problem> problems) {
        // a branch that failed on the parent (say, "required property 'csimple' not found" beside
        // "constant: boolean found, string expected") says less than the one that reached the child
        List<String> pointers = problems.stream().map(TeamRouteFolder::pointer).toList();
        List<Problem> specific = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            String mine = pointers.get(i);
            if (mine == null || pointers.stream().noneMatch(other -> other != null && other.startsWith(mine + "/"))) {
                specific.add(problems.get(i));
            }
        }
        Map<String, Problem> byPlace = new LinkedHashMap<>();
        for (Problem p : specific) {
            String place = p.line() + ":" + p.column();
            Problem kept = byPlace.get(place);
            if (kept == null || rank(p) < rank(kept)) {
                byPlace.put(place, p);
            }
        }
        return List.copyOf(byPlace.values());
    }

    /** The JSON pointer a schema message starts with ({@code /0/route/from/steps/0: ...}), or null. */
    private static String pointer(Problem p) {
        int colon = p.why().indexOf(": ");
        return p.why().startsWith("/") && colon > 0 ? p.why().substring(0, colon) : null;
    }

    private static int rank(Problem p) {
        String why = p.why();
        if (why.contains(" found, ") && why.contains(" expected")) {
            return 0;
        }
        if (why.contains("is not defined in the schema") || why.contains("required property")) {
            return 1;
        }
        if (why.contains("oneOf") || why.contains("anyOf") || why.contains("must be valid to")) {
            return 3;
        }
        return 2;
    }

    private record Reference(String configurations, String file, int line, int column) {
    }

    private static final Pattern LINE_COLUMN = Pattern.compile("^:(\\d+):(\\d+): (.*)$", Pattern.DOTALL);

    /** A problem of {@link YamlDslSchema#problems(JsonNode, String)}: {@code file:line:column: message}. */
    private static Problem schemaProblem(String file, String text) {
        var parts = LINE_COLUMN.matcher(text.substring(file.length()));
        return parts.matches()
                ? new Problem(file, Integer.parseInt(parts.group(1)), Integer.parseInt(parts.group(2)), parts.group(3))
                : new Problem(file, 0, 0, text.substring(file.length()));
    }

    /** The top-level definitions of one file, the routeConfigurationIds its routes name, and definitions without an id. */
    private static void definitions(JsonNode tree, String file, List<Definition> into, List<Reference> references, List<Problem> missing) {
        if (tree == null || !tree.isArray()) {
            return; // the schema says so
        }
        for (JsonNode item : tree) {
            Iterator<Map.Entry<String, JsonNode>> fields = item.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String kind = field.getKey();
                JsonNode body = field.getValue();
                String idKey = ID_KEYS.get(kind);
                if (kind.equals("from")) {
                    JsonLocation where = YamlDslSchema.locationOf(body);
                    missing.add(new Problem(file, line(where), column(where),
                            "a route without an id (write it as '- route:' with an id)"));
                    continue;
                }
                if (idKey == null) {
                    continue; // beans, errorHandler, ...
                }
                JsonNode configurations = body.path("routeConfigurationId");
                if (kind.equals("route") && configurations.isTextual()) {
                    JsonLocation ref = YamlDslSchema.locationOf(configurations);
                    references.add(new Reference(configurations.asText(), file, line(ref), column(ref)));
                }
                JsonNode id = body.path(idKey);
                if (!id.isTextual() || id.asText().isBlank()) {
                    JsonLocation where = YamlDslSchema.locationOf(body);
                    missing.add(new Problem(file, line(where), column(where), kind + " without an " + idKey
                            + (kind.equals("routeConfiguration") ? " (one without an id would apply to the engine's routes too)" : "")));
                    continue;
                }
                JsonLocation where = YamlDslSchema.locationOf(id);
                into.add(new Definition(kind, id.asText(), file, line(where), column(where)));
            }
        }
    }

    private List<Problem> ownership(List<Definition> team, List<Reference> references) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Definition> engineIds = new LinkedHashMap<>();
        engine.forEach(d -> engineIds.putIfAbsent(d.id(), d));
        Map<String, Definition> seen = new LinkedHashMap<>();
        for (Definition d : team) {
            if (engineIds.containsKey(d.id())) {
                problems.add(new Problem(d.file(), d.line(), d.column(), d.kind() + " id '" + d.id()
                        + "' belongs to the engine; " + EXTENSION_POINTS));
                continue;
            }
            Definition first = seen.putIfAbsent(d.id(), d);
            if (first != null) {
                problems.add(new Problem(d.file(), d.line(), d.column(), d.kind() + " id '" + d.id()
                        + "' is already defined at " + first.file() + ":" + first.line() + ":" + first.column()));
            }
        }
        Set<String> configurations = new TreeSet<>();
        engine.stream().filter(d -> d.kind().equals("routeConfiguration")).forEach(d -> configurations.add(d.id()));
        team.stream().filter(d -> d.kind().equals("routeConfiguration")).forEach(d -> configurations.add(d.id()));
        for (Reference reference : references) {
            for (String named : reference.configurations().split(",")) {
                String id = named.strip();
                if (id.isEmpty()) {
                    continue;
                }
                Pattern pattern = Pattern.compile(Pattern.quote(id).replace("*", "\\E.*\\Q"));
                if (configurations.stream().noneMatch(c -> pattern.matcher(c).matches())) {
                    problems.add(new Problem(reference.file(), reference.line(), reference.column(), "routeConfigurationId '"
                            + id + "' names no route configuration (neither the engine's nor one in the team files)"));
                }
            }
        }
        return problems;
    }

    private static int line(JsonLocation at) {
        return at == null ? 0 : at.getLineNr();
    }

    private static int column(JsonLocation at) {
        return at == null ? 0 : at.getColumnNr();
    }
}
