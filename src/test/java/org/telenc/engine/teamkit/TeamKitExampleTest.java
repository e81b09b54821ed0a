package org.telenc.engine.teamkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The example team repository (docs/examples/team-routes, built by maven-invoker-plugin in
 * {@code mvn verify}) stays in step with the engine's build: it asks for the engine's version and
 * Spring Boot version and for the two classifiers pom.xml attaches, its adapter file is the
 * example adapter of routes/examples, the team-kit jar holds TeamRouteTestSupport and every
 * class it extends, and the pom.xml shown in docs/route-authoring.md is the example's. Plain JUnit.
 */
class TeamKitExampleTest {

    static final Path EXAMPLE = Path.of("docs/examples/team-routes");

    static Document xml(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    static String text(Document pom, String path) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(path, pom).strip();
    }

    static List<String> texts(Document pom, String path) throws Exception {
        XPath xpath = XPathFactory.newInstance().newXPath();
        NodeList nodes = (NodeList) xpath.evaluate(path, pom, XPathConstants.NODESET);
        List<String> found = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add(nodes.item(i).getTextContent().strip());
        }
        return found;
    }

    @Test
    void theExampleAsksForThisEngineAndTheClassifiersItsBuildAttaches() throws Exception {
        Document engine = xml(Path.of("pom.xml"));
        Document team = xml(EXAMPLE.resolve("pom.xml"));
        assertThat(text(team, "/project/properties/engine.version")).isEqualTo(text(engine, "/project/version"));
        assertThat(text(team, "/project/parent/artifactId")).isEqualTo(text(engine, "/project/parent/artifactId"));
        assertThat(text(team, "/project/parent/version")).isEqualTo(text(engine, "/project/parent/version"));

        List<String> attached = texts(engine,
                "/project/build/plugins/plugin[artifactId='maven-jar-plugin']/executions/execution/configuration/classifier");
        List<String> used = texts(team, "/project/dependencies/dependency[artifactId='"
                + text(engine, "/project/artifactId") + "']/classifier");
        assertThat(used).containsExactlyInAnyOrder("classes", "team-kit");
        assertThat(attached).containsAll(used);
        assertThat(texts(team, "/project/dependencyManagement/dependencies/dependency[scope='import']/artifactId"))
                .as("the engine's versions imported").containsExactly(text(engine, "/project/artifactId"));
    }

    @Test
    void theTeamKitJarHoldsTeamRouteTestSupportAndWhatItExtends() throws Exception {
        List<String> includes = texts(xml(Path.of("pom.xml")), "/project/build/plugins/plugin[artifactId='maven-jar-plugin']"
                + "/executions/execution[configuration/classifier='team-kit']/configuration/includes/include");
        for (Class<?> type = TeamRouteTestSupport.class; type != Object.class; type = type.getSuperclass()) {
            String file = type.getName().replace('.', '/') + ".class";
            assertThat(includes).as(file).anyMatch(include -> file.equals(include.replace("*", "")));
        }
    }

    @Test
    void theExamplesAdapterIsTheExampleAdapterOfRoutes() throws Exception {
        assertThat(Files.readString(EXAMPLE.resolve("routes/patient-cases.camel.yaml"), StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(Path.of("routes/examples/patient-cases-emr/patient-cases.camel.yaml"),
                        StandardCharsets.UTF_8));
    }

    @Test
    void theRouteAuthoringGuideShowsTheExamplesPom() throws Exception {
        String guide = Files.readString(Path.of("docs/route-authoring.md"), StandardCharsets.UTF_8);
        String pom = Files.readString(EXAMPLE.resolve("pom.xml"), StandardCharsets.UTF_8);
        assertThat(guide).contains("```xml\n" + pom + "```\n");
    }
}
