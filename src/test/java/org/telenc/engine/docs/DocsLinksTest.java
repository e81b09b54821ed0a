package org.telenc.engine.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository stands alone: README.md and docs/ never send a reader to the working notes
 * outside it ({@code ../shared}), and every relative link and anchor they hold names a file and a
 * heading the repository has. Plain JUnit: no engine.
 */
class DocsLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();

    /** The documents by reader, each of which the README links to. */
    static final List<String> DOCS = List.of("docs/api.md", "docs/operating.md", "docs/route-authoring.md",
            "docs/design.md", "docs/benchmark.md");

    @Test
    void theReadmeAndDocsOnlyLinkToWhatTheRepositoryHas() throws IOException {
        MarkdownLinks links = new MarkdownLinks(ROOT);
        List<Path> documents = MarkdownLinks.documents(ROOT);
        assertThat(documents).as("the documents by reader are in the repository")
                .containsAll(DOCS.stream().map(ROOT::resolve).toList()).contains(ROOT.resolve("k8s/README.md"));
        List<String> problems = new ArrayList<>();
        for (Path document : documents) {
            problems.addAll(links.problems(document));
        }
        assertThat(problems).as("broken or outside links in README.md and docs/").isEmpty();
    }

    @Test
    void theReadmeLinksToEveryDocument() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<String> documents;
        try (var docs = Files.list(ROOT.resolve("docs"))) {
            documents = docs.map(p -> "docs/" + p.getFileName()).filter(p -> p.endsWith(".md")).sorted().toList();
        }
        assertThat(documents).containsExactlyInAnyOrderElementsOf(DOCS);
        assertThat(documents).allSatisfy(doc -> assertThat(readme).as("README links to " + doc).contains("](" + doc + ")"));
    }

    /** The checker itself: each kind of broken link is found, and good ones pass. */
    @Test
    void theCheckerFindsEachKindOfBrokenLink(@TempDir Path tmp) throws IOException {
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve("docs"));
        Files.createDirectories(repo.resolve("routes/api"));
        Files.writeString(repo.resolve("routes/api/a.camel.yaml"), "- route: {}\n");
        Files.writeString(repo.resolve("docs/api.md"), """
                # API reference
                ## 2.3 Errors: `POST /v1/telephone-encounters`
                ## Errors
                ## Errors
                See [the design](design.md#the-flow) and [up](../README.md#run-it).
                """);
        Files.writeString(repo.resolve("docs/design.md"), "# Design\n## The flow\n");
        Files.writeString(repo.resolve("README.md"), """
                # Engine
                ## Run it
                Good: [api](docs/api.md), [errors](docs/api.md#23-errors-post-v1telephone-encounters),
                [second](docs/api.md#errors-1), [here](#run-it), [routes](routes/api), [site](https://example.org/x.md),
                [mail](mailto:ops@example.org), `[not a link](nowhere.md)` and

                    [indented code](nowhere.md)

                Bad: [gone](docs/missing.md), [anchor](docs/design.md#no-such-heading), [self](#nope),
                [third](docs/api.md#errors-2), [outside](../outside.md), [notes](../shared/notes.md).
                """);
        Files.writeString(tmp.resolve("outside.md"), "# outside\n");

        List<String> problems = new MarkdownLinks(repo).problems(repo.resolve("README.md"));
        assertThat(problems).hasSize(7).anySatisfy(p -> assertThat(p).contains("mentions ../shared"))
                .anySatisfy(p -> assertThat(p).contains("(docs/missing.md)").contains("does not exist"))
                .anySatisfy(p -> assertThat(p).contains("(docs/design.md#no-such-heading)").contains("#no-such-heading"))
                .anySatisfy(p -> assertThat(p).contains("(#nope)"))
                .anySatisfy(p -> assertThat(p).contains("(docs/api.md#errors-2)"))
                .anySatisfy(p -> assertThat(p).contains("(../outside.md)").contains("outside the repository"))
                .anySatisfy(p -> assertThat(p).contains("(../shared/notes.md)").contains("outside the repository"));
        assertThat(new MarkdownLinks(repo).problems(repo.resolve("docs/api.md"))).isEmpty();
    }

    @Test
    void anchorsAreTheOnesGitHubGivesHeadings() {
        assertThat(MarkdownLinks.slug("Add Action: POST /v1/telephone-encounters/actions"))
                .isEqualTo("add-action-post-v1telephone-encountersactions");
        assertThat(MarkdownLinks.slug("Metrics: GET /actuator/prometheus")).isEqualTo("metrics-get-actuatorprometheus");
        assertThat(MarkdownLinks.slug("Results on this 2-core machine (quick mode, one run each; medians of the windows)"))
                .isEqualTo("results-on-this-2-core-machine-quick-mode-one-run-each-medians-of-the-windows");
        assertThat(MarkdownLinks.slug("Operating tenants: admin API and provisioning file"))
                .isEqualTo("operating-tenants-admin-api-and-provisioning-file");
        assertThat(MarkdownLinks.anchorsOf("# A\n## A\n### a\n## `idempotency_key` & more\n"))
                .containsExactly("a", "a-1", "a-2", "idempotency_key--more");
    }
}
