package org.telenc.engine.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.telenc.engine.support.EngineTest;

/**
 * GET /openapi.json (no credentials) is an OpenAPI 3 document whose (method, path) pairs are
 * exactly the REST verbs the running engine defines, so a route added without documenting it (or
 * documentation of a route that does not exist) fails here; and it names every endpoint the
 * contract names.
 */
class OpenApiDocumentTest extends EngineTest {

    private static final String METHODS = "GET|POST|PUT|PATCH|DELETE";
    /** `METHOD /path` or `METHOD|METHOD /path` in backticks. */
    private static final Pattern CONTRACT_VERB = Pattern.compile("`((?:" + METHODS + ")(?:\\|(?:" + METHODS + "))*) (/[^`\\s]*)`");
    /** A bare `/v1/...` path in backticks. */
    private static final Pattern CONTRACT_PATH = Pattern.compile("`(/v1/[^`\\s]*)`");
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    @Autowired
    CamelContext camelContext;

    JsonNode document() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/openapi.json")).GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        return JSON.readTree(response.body());
    }

    static Set<String> documented(JsonNode document) {
        Set<String> pairs = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (HTTP_METHODS.contains(method)) {
                pairs.add(method.toUpperCase() + " " + path.getKey());
            }
        }));
        return pairs;
    }

    @Test
    void documentsExactlyTheRestVerbsOfTheRoutes() throws Exception {
        JsonNode document = document();
        assertThat(document.path("openapi").asText()).matches("3\\.(0|1)\\.\\d+");
        assertThat(document.path("info").path("title").asText()).isNotBlank();

        Set<String> defined = new TreeSet<>();
        List<RestDefinition> rests = camelContext.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions();
        for (RestDefinition rest : rests) {
            for (VerbDefinition verb : rest.getVerbs()) {
                defined.add(verb.asVerb().toUpperCase() + " " + join(rest.getPath(), verb.getPath()));
            }
        }
        assertThat(defined).hasSizeGreaterThan(20);
        assertThat(documented(document)).as("documented (method, path) pairs vs the REST DSL's").isEqualTo(defined);
    }

    @Test
    void documentsEveryEndpointTheContractNames() throws Exception {
        Path contract = contract();
        assumeThat(contract).as("the contract (../shared/contract.md) is beside the repository").isNotNull();
        String text = Files.readString(contract);
        Set<String> documented = documented(document());
        Set<String> documentedPaths = new TreeSet<>();
        documented.forEach(pair -> documentedPaths.add(pair.substring(pair.indexOf(' ') + 1)));

        List<String> named = new ArrayList<>();
        Matcher verbs = CONTRACT_VERB.matcher(text);
        while (verbs.find()) {
            for (String method : verbs.group(1).split("\\|")) {
                named.add(method + " " + verbs.group(2));
            }
        }
        assertThat(named).as("the contract's `METHOD /path` mentions").contains("POST /v1/telephone-encounters", "GET /v1/webhook-events");
        assertThat(documented).containsAll(named);

        Matcher paths = CONTRACT_PATH.matcher(text);
        List<String> bare = new ArrayList<>();
        while (paths.find()) {
            bare.add(paths.group(1));
        }
        assertThat(bare).contains("/v1/locations");
        assertThat(documentedPaths).containsAll(bare);
    }

    @Test
    void everyReferenceResolvesAndTheMainBodiesHaveSchemas() throws Exception {
        JsonNode document = document();
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(document.at(ref.substring(1)).isMissingNode()).as("%s resolves", ref).isFalse();
        }
        JsonNode schemas = document.path("components").path("schemas");
        assertThat(schemas.path("Error").path("required")).extracting(JsonNode::asText)
                .containsExactly("success", "error", "message");
        assertThat(schemas.path("WebhookEvent").path("required")).extracting(JsonNode::asText)
                .contains("id", "access_token_reference_id", "object", "created", "type", "job_id", "data");
        JsonNode create = document.path("paths").path("/v1/telephone-encounters").path("post");
        assertThat(create.at("/requestBody/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/CreateTelephoneEncounterRequest");
        assertThat(create.at("/responses/200/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/CreateTelephoneEncounterResponse");
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("$ref")) {
                    refs.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, refs));
        }
    }

    private static String join(String base, String path) {
        String joined = (base == null ? "" : base) + (path == null ? "" : (path.startsWith("/") ? path : "/" + path));
        return joined.replaceAll("/+", "/").replaceAll("(.)/$", "$1");
    }

    /** The contract: -Dcontract.file, else ../shared/contract.md beside the repository; null if neither exists. */
    private static Path contract() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty("contract.file");
        if (configured != null) {
            candidates.add(Path.of(configured));
        }
        candidates.add(Path.of("..", "shared", "contract.md"));
        candidates.add(Path.of("/work/shared/contract.md"));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
    }
}
