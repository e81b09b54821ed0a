package org.telenc.engine.routes;

import com.fasterxml.jackson.core.JsonLocation;
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

/**
 * The Camel YAML DSL's JSON schema ({@code schema/camelYamlDsl.json}, shipped inside the
 * {@code camel-yaml-dsl} jar, so it is the schema of the Camel version in the pom), the one Kaoto and
 * the IDE plugins validate route files against, applied with networknt's json-schema-validator as
 * Camel's own {@code camel-yaml-dsl-validator} does. Each problem names the file, the line and column
 * and the JSON path of the offending node.
 */
final class YamlDslSchema {

    static final String RESOURCE = "schema/camelYamlDsl.json";

    private final URL location;
    private final JsonSchema schema;
    private final JsonNodeReader reader = JsonNodeReader.builder().locationAware().build();

    YamlDslSchema() throws IOException {
        location = Objects.requireNonNull(YamlDslSchema.class.getClassLoader().getResource(RESOURCE),
                RESOURCE + " on the test classpath (camel-yaml-dsl)");
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
        try (InputStream in = location.openStream()) {
            schema = factory.getSchema(in, SchemaValidatorsConfig.builder().build());
        }
    }

    /** Where the schema was read from (a jar: URL into camel-yaml-dsl-&lt;version&gt;.jar). */
    URL location() {
        return location;
    }

    /** Every schema violation in {@code file}, as {@code name:line:column /json/pointer: message}; empty when valid. */
    List<String> problems(Path file, String name) throws IOException {
        JsonNode routes;
        try {
            routes = reader.readTree(Files.readString(file, StandardCharsets.UTF_8), InputFormat.YAML);
        } catch (IOException e) {
            return List.of(name + ": not YAML: " + e.getMessage());
        }
        return schema.validate(routes).stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> line(m)).thenComparing(m -> m.getInstanceLocation().toString()))
                // the message starts with the node's JSON pointer: "/0/route/from/steps/0: property 'toh' is not defined ..."
                .map(m -> name + ":" + line(m) + ":" + column(m) + " " + m.getMessage())
                .toList();
    }

    private static int line(ValidationMessage message) {
        JsonLocation at = at(message);
        return at == null ? 0 : at.getLineNr();
    }

    private static int column(ValidationMessage message) {
        JsonLocation at = at(message);
        return at == null ? 0 : at.getColumnNr();
    }

    private static JsonLocation at(ValidationMessage message) {
        JsonNode node = message.getInstanceNode();
        return node == null ? null : JsonNodes.tokenLocationOf(node);
    }
}
