package org.telenc.engine.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The parameter table of the REST transport template in docs/route-authoring.md ("The REST transport
 * template") names exactly the parameters of the route template emr-rest-call, in their order, each
 * with the type and required flag its description in routes/emr/rest-adapter.camel.yaml starts with
 * ({@code "(jsonpath, optional) ..."}), and an example its description also gives ({@code e.g. ...}).
 */
class TemplateParametersTableTest {

    static final Path DOC = Path.of("docs/route-authoring.md");
    static final Path TEMPLATE = Path.of("routes/emr/rest-adapter.camel.yaml");
    /** | `name` | type | yes/no | default | `example` | what it is | */
    private static final Pattern ROW = Pattern.compile(
            "^\\| `([A-Za-z]+)` \\| (string|integer|jsonpath|boolean) \\| (yes|no) \\| (.+?) \\| `(.+?)` \\| (.+) \\|$");
    private static final Pattern DESCRIPTION = Pattern.compile("^\\((string|integer|jsonpath|boolean), (required|optional)\\) .*e\\.g\\. .+");

    record Parameter(String name, String type, boolean required) {
    }

    @Test
    void theTableNamesEveryParameterOfTheTemplateWithItsTypeAndWhetherItIsRequired() throws IOException {
        List<Parameter> declared = new ArrayList<>();
        for (JsonNode item : new YAMLMapper().readTree(TEMPLATE.toFile())) {
            JsonNode template = item.path("routeTemplate");
            if (!template.path("id").asText().equals("emr-rest-call")) {
                continue;
            }
            for (JsonNode parameter : template.path("parameters")) {
                String description = parameter.path("description").asText();
                Matcher m = DESCRIPTION.matcher(description);
                assertThat(m.matches()).as("description of %s: (type, required|optional) ... e.g. ...", parameter.path("name").asText())
                        .isTrue();
                assertThat(m.group(2).equals("required")).as("%s: required exactly when it has no default", parameter.path("name").asText())
                        .isEqualTo(!parameter.has("defaultValue"));
                declared.add(new Parameter(parameter.path("name").asText(), m.group(1), m.group(2).equals("required")));
            }
        }
        List<Parameter> documented = new ArrayList<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                documented.add(new Parameter(m.group(1), m.group(2), m.group(3).equals("yes")));
            }
        }
        assertThat(declared).hasSizeGreaterThanOrEqualTo(9);
        assertThat(documented).isEqualTo(declared);
    }
}
