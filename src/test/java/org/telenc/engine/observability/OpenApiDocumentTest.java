package org.telenc.engine.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
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
    /** The repository's API reference: every `METHOD /path` it names must be in the document. */
    private static final Path API_REFERENCE = Path.of("docs", "api.md");
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
    void documentsEveryEndpointTheApiReferenceNames() throws Exception {
        String text = Files.readString(API_REFERENCE);
        Set<String> documented = documented(document());
        Set<String> documentedPaths = new TreeSet<>();
        documented.forEach(pair -> documentedPaths.add(pair.substring(pair.indexOf(' ') + 1)));

        List<String> named = new ArrayList<>();
        Matcher verbs = CONTRACT_VERB.matcher(text);
        while (verbs.find()) {
            if (!verbs.group(2).startsWith("/v1/") && !verbs.group(2).startsWith("/admin/")) {
                continue; // /openapi.json, /actuator/...: not part of the described API
            }
            for (String method : verbs.group(1).split("\\|")) {
                named.add(method + " " + verbs.group(2));
            }
        }
        assertThat(named).as("the API reference's `METHOD /path` mentions").contains("POST /v1/telephone-encounters", "GET /v1/webhook-events", "GET /v1/locations");
        assertThat(documented).containsAll(named);

        Matcher paths = CONTRACT_PATH.matcher(text);
        List<String> bare = new ArrayList<>();
        while (paths.find()) {
            bare.add(paths.group(1));
        }
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

    /**
     * What Redocly's {@code recommended} rules check, the main points of it in Java, so a machine
     * without Node still catches them ({@code OpenApiRedoclyLintTest} runs Redocly itself in CI).
     */
    @Test
    void describesItselfAsLintersExpect() throws Exception {
        JsonNode document = document();
        JsonNode info = document.path("info");
        assertThat(info.path("license").path("name").asText()).as("info.license.name").isNotBlank();
        String license = info.path("license").path("url").asText();
        assertThat(license).as("info.license.url").isNotBlank();
        if (license.startsWith("/")) {
            assertThat(get(license).statusCode()).as("the license URL %s is served", license).isEqualTo(200);
        }
        assertThat(info.path("contact").isObject()).as("info.contact").isTrue();
        assertThat(document.path("tags")).isNotEmpty().allSatisfy(tag ->
                assertThat(tag.path("description").asText()).as("description of tag %s", tag.path("name")).isNotBlank());

        Set<String> tags = new TreeSet<>();
        document.path("tags").forEach(tag -> tags.add(tag.path("name").asText()));
        Set<String> operationIds = new TreeSet<>();
        boolean rootSecurity = document.has("security");
        for (String section : List.of("paths", webhooksKey(document))) {
            document.path(section).fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                if (!HTTP_METHODS.contains(op.getKey())) {
                    return;
                }
                String what = section + " " + op.getKey().toUpperCase() + " " + path.getKey();
                JsonNode operation = op.getValue();
                assertThat(operation.path("description").asText()).as(what + ": description").isNotBlank();
                assertThat(operation.path("summary").asText()).as(what + ": summary").isNotBlank();
                assertThat(operationIds.add(operation.path("operationId").asText())).as(what + ": a unique operationId").isTrue();
                assertThat(rootSecurity || operation.has("security")).as(what + ": security (or [] for none)").isTrue();
                assertThat(operation.path("tags")).as(what + ": tags").isNotEmpty()
                        .allSatisfy(tag -> assertThat(tags).as(what + ": declared tag").contains(tag.asText()));
                assertThat(operation.path("responses").size()).as(what + ": responses").isPositive();
            }));
        }
        assertThat(operationIds).doesNotContain("");

        // OpenAPI 3.0: `nullable` means nothing without a `type` beside it (Redocly: nullable-type-sibling)
        List<String> nullableWithoutType = new ArrayList<>();
        walk(document, "", (pointer, node) -> {
            if (node.path("nullable").asBoolean(false) && !node.has("type")) {
                nullableWithoutType.add(pointer);
            }
        });
        assertThat(nullableWithoutType).as("schemas with nullable but no type").isEmpty();

        // every oneOf says how to tell its alternatives apart: different JSON types (string or
        // integer), or, for objects, a discriminator covering each of them
        walk(document, "", (pointer, node) -> {
            if (node.has("oneOf")) {
                List<String> inlineTypes = new ArrayList<>();
                node.path("oneOf").forEach(alternative -> inlineTypes.add(alternative.path("type").asText("$ref")));
                if (!inlineTypes.contains("$ref") && !inlineTypes.contains("object")) {
                    assertThat(inlineTypes).as(pointer + ": oneOf of different types").doesNotHaveDuplicates();
                    return;
                }
                JsonNode mapping = node.path("discriminator").path("mapping");
                assertThat(node.path("discriminator").path("propertyName").asText()).as(pointer + ": discriminator").isNotBlank();
                List<String> mapped = new ArrayList<>();
                mapping.forEach(target -> mapped.add(target.asText()));
                List<String> alternatives = new ArrayList<>();
                node.path("oneOf").forEach(alternative -> alternatives.add(alternative.path("$ref").asText()));
                assertThat(mapped).as(pointer + ": discriminator mapping covers every oneOf alternative")
                        .containsExactlyInAnyOrderElementsOf(alternatives);
            }
        });

        // every component is used (Redocly: no-unused-components)
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        document.path("components").fields().forEachRemaining(kind -> kind.getValue().fieldNames().forEachRemaining(name -> {
            if (!kind.getKey().equals("securitySchemes")) {
                assertThat(refs).as("component %s/%s is referenced", kind.getKey(), name)
                        .contains("#/components/" + kind.getKey() + "/" + name);
            }
        }));
    }

    /**
     * Every webhook event type is described as OpenAPI expects: a path item (3.1 {@code webhooks},
     * or the {@code x-webhooks} of 3.0 that Redocly and Redoc read) whose POST carries the event
     * body for that type, and the event schema's discriminator maps the type to its data.
     */
    @Test
    void everyWebhookEventTypeIsAPathItemWithItsBody() throws Exception {
        JsonNode document = document();
        String key = webhooksKey(document);
        JsonNode webhooks = document.path(key);
        JsonNode event = document.path("components").path("schemas").path("WebhookEvent");
        List<String> types = new ArrayList<>();
        event.path("properties").path("type").path("enum").forEach(t -> types.add(t.asText()));
        assertThat(types).as("event types").contains("telephone_encounter.created", "telephone_encounter.failed",
                "telephone_encounter_action.created");
        Set<String> described = new TreeSet<>();
        webhooks.fieldNames().forEachRemaining(described::add);
        assertThat(described).as(key + ": one entry per event type").containsExactlyInAnyOrderElementsOf(types);

        JsonNode discriminator = event.path("discriminator");
        assertThat(discriminator.path("propertyName").asText()).isEqualTo("type");
        for (String type : types) {
            JsonNode item = webhooks.path(type);
            assertThat(item.isObject()).as(key + "." + type + " is a path item").isTrue();
            item.fieldNames().forEachRemaining(field -> assertThat(field).as(key + "." + type + ": path item fields")
                    .isIn("post", "summary", "description", "parameters", "servers"));
            JsonNode schema = item.path("post").path("requestBody").path("content").path("application/json").path("schema");
            List<String> bodyRefs = new ArrayList<>();
            collectRefs(schema, bodyRefs);
            String variant = discriminator.path("mapping").path(type).asText();
            assertThat(variant).as("discriminator mapping of " + type).startsWith("#/components/schemas/");
            assertThat(bodyRefs).as(key + "." + type + ": the body is the event envelope of this type")
                    .contains("#/components/schemas/WebhookEvent", variant);
            JsonNode variantSchema = document.at(variant.substring(1));
            assertThat(variantSchema.path("properties").path("type").path("enum")).extracting(JsonNode::asText)
                    .as(variant + ": type").containsExactly(type);
            assertThat(variantSchema.path("properties").path("data").path("$ref").asText()).as(variant + ": data").isNotBlank();
            List<String> headers = new ArrayList<>();
            item.path("post").path("parameters").forEach(p -> headers.add(p.path("name").asText()));
            assertThat(headers).as(key + "." + type + ": signature headers")
                    .contains("webhook-id", "webhook-timestamp", "cobalt-verification", "webhook-signature");
        }
    }

    private static String webhooksKey(JsonNode document) {
        return document.path("openapi").asText().startsWith("3.0") ? "x-webhooks" : "webhooks";
    }

    private static void walk(JsonNode node, String pointer, BiConsumer<String, JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(pointer, node);
            node.fields().forEachRemaining(field -> walk(field.getValue(), pointer + "/" + field.getKey(), visit));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, visit);
            }
        }
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

}
