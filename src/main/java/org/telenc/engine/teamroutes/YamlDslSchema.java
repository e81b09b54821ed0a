package org.telenc.engine.teamroutes;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.serialization.JsonNodeReader;
import com.networknt.schema.utils.JsonNodes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The Camel YAML DSL's JSON schema ({@code schema/camelYamlDsl.json}, shipped inside the
 * {@code camel-yaml-dsl} jar, so it is the schema of the Camel version in the pom), the one Kaoto and
 * the IDE plugins validate route files against, applied with networknt's json-schema-validator as
 * Camel's own {@code camel-yaml-dsl-validator} does. Each problem names the file, the line and column
 * and the JSON path of the offending node, never the file's text (a route file may quote anything).
 */
public final class YamlDslSchema {

    public static final String RESOURCE = "schema/camelYamlDsl.json";

    private final URL location;
    private final JsonSchema schema;
    private final JsonNodeReader reader = JsonNodeReader.builder().locationAware().build();

    /**
     * The one validator of this JVM, built on first use: the schema is 800 KB of JSON whose compiled
     * form takes tens of MB, so start-up, reload, the check command and the tests share it rather
     * than each building its own. Validation is thread-safe once its validators are initialized,
     * which the constructor does.
     */
    public static YamlDslSchema shared() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final YamlDslSchema INSTANCE;

        static {
            try {
                INSTANCE = new YamlDslSchema();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + RESOURCE, e);
            }
        }
    }

    /** How many validators this JVM built (one, through {@link #shared()}, unless a caller builds its own). */
    static final java.util.concurrent.atomic.AtomicInteger BUILT = new java.util.concurrent.atomic.AtomicInteger();

    YamlDslSchema() throws IOException {
        location = Objects.requireNonNull(YamlDslSchema.class.getClassLoader().getResource(RESOURCE),
                RESOURCE + " on the classpath (camel-yaml-dsl)");
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
        try (InputStream in = location.openStream()) {
            schema = factory.getSchema(in, SchemaValidatorsConfig.builder().build());
        }
        schema.initializeValidators();
        BUILT.incrementAndGet();
        org.slf4j.LoggerFactory.getLogger(YamlDslSchema.class).info("Camel YAML DSL schema validator built from {}", location);
    }

    /** Where the schema was read from (a jar: URL into camel-yaml-dsl-&lt;version&gt;.jar). */
    public URL location() {
        return location;
    }

    /** Every problem in {@code file}, as {@code name:line:column: message}; empty when valid. */
    public List<String> problems(Path file, String name) throws IOException {
        JsonNode routes;
        try {
            routes = read(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NotYaml e) {
            return List.of(name + ":" + e.line + ":" + e.column + ": " + e.getMessage());
        }
        return problems(routes, name);
    }

    /** Every schema violation in a file read with {@link #read}, as {@code name:line:column: /json/pointer: message}. */
    public List<String> problems(JsonNode routes, String name) {
        return schema.validate(routes).stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> line(m)).thenComparing(m -> m.getInstanceLocation().toString()))
                // the message starts with the node's JSON pointer: "/0/route/from/steps/0: property 'toh' is not defined ..."
                .map(m -> name + ":" + line(m) + ":" + column(m) + ": " + m.getMessage())
                .toList();
    }

    /** A route file's text as a tree whose nodes know their line and column ({@link #locationOf}). */
    public JsonNode read(String text) throws NotYaml {
        try {
            return reader.readTree(text, InputFormat.YAML);
        } catch (IOException | IllegalArgumentException e) { // networknt wraps the parser's exception in the latter
            throw NotYaml.of(e);
        }
    }

    /** Where a node of a tree from {@link #read} starts; null when unknown. */
    public static JsonLocation locationOf(JsonNode node) {
        return node == null ? null : JsonNodes.tokenLocationOf(node);
    }

    private static int line(ValidationMessage message) {
        JsonLocation at = locationOf(message.getInstanceNode());
        return at == null ? 0 : at.getLineNr();
    }

    private static int column(ValidationMessage message) {
        JsonLocation at = locationOf(message.getInstanceNode());
        return at == null ? 0 : at.getColumnNr();
    }

    /**
     * Text that is not YAML: the parser's problem ("mapping values are not allowed here") and where,
     * without the snippet of the file the parser's own message quotes.
     */
    public static final class NotYaml extends Exception {
        private final int line;
        private final int column;

        private NotYaml(String why, int line, int column) {
            super(why, null, false, false);
            this.line = line;
            this.column = column;
        }

        static NotYaml of(Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                    return new NotYaml("not YAML: " + marked.getProblem(),
                            marked.getProblemMark().getLine() + 1, marked.getProblemMark().getColumn() + 1);
                }
            }
            JsonLocation at = e instanceof JsonProcessingException json ? json.getLocation() : null;
            return new NotYaml("not YAML (" + e.getClass().getSimpleName() + ")",
                    at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr());
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }
}
