package org.telenc.engine.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The configuration metadata the build generates ({@code spring-boot-configuration-processor}:
 * EngineProperties and META-INF/additional-spring-configuration-metadata.json) names every
 * {@code engine.*} key the engine reads, each with a description; its defaults are the ones the
 * code falls back to and the ones application.yml sets; and the configuration table of
 * docs/operating.md names exactly the metadata's keys, each with the metadata's default. Plain
 * JUnit, on the metadata of target/classes.
 */
class ConfigurationTableTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path METADATA = ROOT.resolve("target/classes/META-INF/spring-configuration-metadata.json");
    static final String DOC = "docs/operating.md";
    static final String NONE = "—";

    private static final Pattern VALUE_KEY = Pattern.compile("\\$\\{(engine\\.[a-z0-9.-]+)(?::([^}]*))?}");
    private static final Pattern PLACEHOLDER_KEY = Pattern.compile("\\{\\{(engine\\.[a-z0-9.-]+)(?::[^}]*)?}}");
    private static final Pattern LITERAL_KEY = Pattern.compile("\"-{0,2}(engine\\.[a-z0-9-]+(?:\\.[a-z0-9-]+)+)[=\"]");
    private static final Pattern ROW = Pattern.compile("^\\| `(engine\\.[a-z0-9.-]+)` \\| ([^|]+) \\|");

    @Test
    void theMetadataDescribesEveryKeyTheEngineReads() throws IOException {
        Map<String, JsonNode> metadata = metadata();
        Map<String, String> missing = new TreeMap<>();
        usedKeys().forEach((key, where) -> {
            JsonNode property = metadata.get(key);
            if (property == null) {
                missing.put(key, where + ": not in the metadata");
            } else if (property.path("description").asText("").isBlank()) {
                missing.put(key, where + ": no description");
            }
        });
        assertThat(missing).as("engine keys the code, routes or application.yml read").isEmpty();
        assertThat(metadata.values()).as("every key of the metadata has a description")
                .allSatisfy(p -> assertThat(p.path("description").asText("")).as(p.path("name").asText()).isNotBlank());
    }

    @Test
    void theCodesFallbacksAndApplicationYmlAgreeWithTheMetadataDefaults() throws IOException {
        Map<String, JsonNode> metadata = metadata();
        List<String> differ = new ArrayList<>();
        for (Path file : files(ROOT.resolve("src/main/java"), ".java")) {
            Matcher value = VALUE_KEY.matcher(Files.readString(file));
            while (value.find()) {
                if (value.group(2) != null && metadata.containsKey(value.group(1))) {
                    String expected = render(metadata.get(value.group(1)));
                    String fallback = value.group(2).isEmpty() ? NONE : value.group(2);
                    if (!expected.equals(fallback)) {
                        differ.add(ROOT.relativize(file) + ": " + value.group(1) + " falls back to " + fallback
                                + ", the metadata says " + expected);
                    }
                }
            }
        }
        applicationYml().forEach((key, value) -> {
            JsonNode property = metadata.get(key);
            String set = value == null || value.toString().isEmpty() ? NONE : value.toString();
            if (property != null && !set.contains("${") && !render(property).equals(set)) {
                differ.add("application.yml sets " + key + " to " + set + ", the metadata's default is " + render(property));
            }
        });
        assertThat(differ).isEmpty();
    }

    @Test
    void theOperatingTableNamesEveryKeyOfTheMetadataWithItsDefault() throws IOException {
        Map<String, JsonNode> metadata = metadata();
        Map<String, String> table = table(Files.readString(ROOT.resolve(DOC)));
        assertThat(table.keySet()).as("keys of the configuration table of " + DOC)
                .containsExactlyInAnyOrderElementsOf(metadata.keySet());
        List<String> differ = new ArrayList<>();
        table.forEach((key, cell) -> {
            String expected = metadata.containsKey(key) ? render(metadata.get(key)) : null;
            String shown = cell.equals(NONE) ? NONE : cell.replaceAll("^`(.*)`$", "$1");
            if (expected != null && !expected.equals(shown)) {
                differ.add(key + ": the table says " + cell + ", the metadata " + expected);
            }
        });
        assertThat(differ).as("defaults in the table of " + DOC).isEmpty();
    }

    @Test
    void theTableIsReadFromItsOwnSectionAndDefaultsRenderAsWritten() throws IOException {
        Map<String, String> table = table("""
                # Operating
                | `engine.elsewhere` | `1` | not this one |
                ## Configuration keys
                | key | default | meaning |
                |---|---|---|
                | `engine.a` | `5s,15s` | a list |
                | `engine.b` | — | none |
                ## Scale-out
                | `engine.c` | `2` | not this one either |
                """);
        assertThat(table).containsExactly(Map.entry("engine.a", "`5s,15s`"), Map.entry("engine.b", NONE));
        ObjectMapper json = new ObjectMapper();
        assertThat(render(json.readTree("{\"defaultValue\": [\"5s\", \"15s\"]}"))).isEqualTo("5s,15s");
        assertThat(render(json.readTree("{\"defaultValue\": \"[5s, 15s]\"}"))).isEqualTo("5s,15s");
        assertThat(render(json.readTree("{\"defaultValue\": true}"))).isEqualTo("true");
        assertThat(render(json.readTree("{\"defaultValue\": \"\"}"))).isEqualTo(NONE);
        assertThat(render(json.readTree("{}"))).isEqualTo(NONE);
    }

    /** The metadata's engine.* properties by name. */
    static Map<String, JsonNode> metadata() throws IOException {
        assertThat(METADATA).as("the build generates the configuration metadata").exists();
        Map<String, JsonNode> properties = new TreeMap<>();
        for (JsonNode property : new ObjectMapper().readTree(METADATA.toFile()).path("properties")) {
            String name = property.path("name").asText();
            if (name.startsWith("engine.")) {
                properties.put(name, property);
            }
        }
        assertThat(properties).isNotEmpty();
        return properties;
    }

    /** A default as the table writes it: a list comma-separated, none or empty as a dash. */
    static String render(JsonNode property) {
        JsonNode value = property.get("defaultValue");
        if (value == null || value.isNull() || value.asText().isEmpty() && !value.isArray()) {
            return NONE;
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            return String.join(",", items);
        }
        String text = value.asText();
        return text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1).replace(", ", ",") : text;
    }

    /** Every engine.* key read by the Java code, the routes or application.yml, with where it is read. */
    static Map<String, String> usedKeys() throws IOException {
        Map<String, String> keys = new TreeMap<>();
        for (Path file : files(ROOT.resolve("src/main/java"), ".java")) {
            String text = Files.readString(file);
            for (Pattern pattern : List.of(VALUE_KEY, LITERAL_KEY)) {
                Matcher key = pattern.matcher(text);
                while (key.find()) {
                    keys.putIfAbsent(key.group(1), ROOT.relativize(file).toString());
                }
            }
        }
        List<Path> routes = new ArrayList<>(files(ROOT.resolve("routes"), ".yaml"));
        routes.removeIf(p -> p.toString().contains("/examples/"));
        routes.addAll(files(ROOT.resolve("src/main/resources"), ".yml"));
        for (Path file : routes) {
            Matcher key = PLACEHOLDER_KEY.matcher(Files.readString(file));
            while (key.find()) {
                keys.putIfAbsent(key.group(1), ROOT.relativize(file).toString());
            }
        }
        applicationYml().keySet().forEach(key -> keys.putIfAbsent(key, "application.yml"));
        return keys;
    }

    /** The engine.* keys application.yml sets, flattened, with their values (a list joined by commas). */
    static Map<String, Object> applicationYml() throws IOException {
        Map<String, Object> flat = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(ROOT.resolve("src/main/resources/application.yml"))) {
            for (Object document : new Yaml().loadAll(in)) {
                if (document instanceof Map<?, ?> map && map.get("engine") instanceof Map<?, ?> engine) {
                    flatten("engine", engine, flat);
                }
            }
        }
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> into) {
        map.forEach((name, value) -> {
            String key = prefix + "." + name;
            if (value instanceof Map<?, ?> inner) {
                flatten(key, inner, into);
            } else if (value instanceof List<?> list) {
                into.put(key, list.stream().map(String::valueOf).collect(Collectors.joining(",")));
            } else {
                into.put(key, value);
            }
        });
    }

    /** The rows of the "## Configuration keys" section: key to its default cell. */
    static Map<String, String> table(String document) {
        Map<String, String> rows = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : document.split("\n")) {
            if (line.startsWith("## ")) {
                inSection = line.substring(3).strip().equals("Configuration keys");
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (inSection && row.find()) {
                assertThat(rows.put(row.group(1), row.group(2).strip())).as(row.group(1) + " has one row").isNull();
            }
        }
        return rows;
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

}
