package org.telenc.engine.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.telenc.engine.teamroutes.TeamRouteFolder;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests (k8s/, kustomize) agree with the application's own configuration
 * (src/main/resources/application.yml) and with the production rules of docs/operating.md. Every overlay is
 * rendered by a real {@code kubectl kustomize} (the binary on the PATH, or the one named by the
 * environment variable {@code KUBECTL}); without kubectl this test fails, it never skips:
 * {@code .ci/run} installs it if missing. The manifests use current kustomize fields only: any
 * warning kustomize prints on stderr (a deprecated field, e.g. {@code bases:}) fails the render.
 */
class KubernetesManifestsTest {

    /** Spring Boot keys an overlay may set that application.yml does not list (each must be a real Spring Boot property). */
    static final Set<String> SPRING_KEYS_ALLOWED = Set.of(
            "spring.activemq.broker-url",
            "spring.profiles.active",
            "spring.datasource.hikari.maximum-pool-size");

    static final String ENGINE = "telenc-engine";
    static final String OVERLAYS = "k8s/overlays";

    static Path root;
    static Map<String, Object> appYaml;
    static final Map<String, List<Map<String, Object>>> rendered = new TreeMap<>();
    /** What kubectl kustomize printed on stderr, per overlay directory. */
    static final Map<String, String> stderrOf = new TreeMap<>();

    @BeforeAll
    static void renderEveryOverlay() throws Exception {
        root = projectRoot();
        appYaml = flatten(new Yaml().load(Files.readString(root.resolve("src/main/resources/application.yml"))));
        try (Stream<Path> dirs = Files.list(root.resolve(OVERLAYS))) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                rendered.put(dir.getFileName().toString(), kustomize(root.relativize(dir).toString()));
            }
        }
    }

    @Test
    void everyOverlayRendersTheEngine() {
        assertThat(rendered.keySet()).containsExactly("dev", "prod", "team-routes");
        rendered.forEach((overlay, docs) -> {
            assertThat(find(docs, "Deployment", ENGINE)).as(overlay + ": Deployment " + ENGINE).isNotNull();
            assertThat(find(docs, "Service", ENGINE)).as(overlay + ": Service " + ENGINE).isNotNull();
            Map<String, Object> account = find(docs, "ServiceAccount", ENGINE);
            assertThat(account).as(overlay + ": ServiceAccount " + ENGINE).isNotNull();
            assertThat(account.get("automountServiceAccountToken")).as(overlay + ": token automount").isEqualTo(false);
            assertThat(str(podSpec(find(docs, "Deployment", ENGINE)), "serviceAccountName")).isEqualTo(ENGINE);
        });
    }

    @Test
    void everyOverlayRendersWithoutAWarning() {
        assertThat(stderrOf).hasSize(rendered.size());
        // kustomize prints deprecations ("# Warning: 'bases' is deprecated ...") on stderr and renders
        // on: a deprecated field, a removed one next release
        stderrOf.forEach((dir, err) -> assertThat(err.strip()).as("kubectl kustomize " + dir + " printed on stderr").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void containerPortIsServerPortAndTheServiceReachesIt(String overlay) {
        List<Map<String, Object>> docs = docs(overlay);
        int serverPort = Integer.parseInt(String.valueOf(appYaml.get("server.port")));
        Map<String, Object> container = engineContainer(docs);
        Map<String, Object> http = list(container, "ports").stream()
                .filter(p -> "http".equals(p.get("name"))).findFirst().orElse(null);
        assertThat(http).as(overlay + ": a container port named http").isNotNull();
        assertThat(http.get("containerPort")).as(overlay + ": containerPort = server.port").isEqualTo(serverPort);

        Map<String, Object> service = find(docs, "Service", ENGINE);
        assertThat(selects(map(map(service, "spec"), "selector"), podLabels(find(docs, "Deployment", ENGINE))))
                .as(overlay + ": the Service selects the engine's pods").isTrue();
        assertThat(list(map(service, "spec"), "ports"))
                .as(overlay + ": the Service targets the http port")
                .anySatisfy(p -> assertThat(String.valueOf(p.get("targetPort"))).isIn("http", String.valueOf(serverPort)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesAreTheActuatorHealthGroups(String overlay) {
        assertThat(appYaml.get("management.endpoint.health.probes.enabled")).isEqualTo(true);
        assertThat(appYaml.get("management.health.livenessstate.enabled")).isEqualTo(true);
        assertThat(appYaml.get("management.health.readinessstate.enabled")).isEqualTo(true);
        assertThat(Stream.of(String.valueOf(appYaml.get("management.endpoints.web.exposure.include")).split(","))
                .map(String::trim).toList()).contains("health");
        // the probes go to the application port under /actuator (no separate management port or base path)
        assertThat(appYaml).doesNotContainKeys("management.server.port", "management.endpoints.web.base-path");
        Set<String> groups = new TreeSet<>(List.of("liveness", "readiness"));
        appYaml.keySet().stream()
                .filter(k -> k.startsWith("management.endpoint.health.group."))
                .map(k -> k.substring("management.endpoint.health.group.".length()).split("\\.")[0])
                .forEach(groups::add);

        Map<String, Object> container = engineContainer(docs(overlay));
        assertThat(httpProbePath(overlay, container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
        assertThat(httpProbePath(overlay, container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
        assertThat(httpProbePath(overlay, container, "startupProbe")).startsWith("/actuator/health/");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            String path = httpProbePath(overlay, container, probe);
            assertThat(path.substring("/actuator/health/".length())).as(overlay + ": " + probe + " is a health group").isIn(groups);
        }
        // the startup probe gives a slow start at least a minute before liveness may kill it
        Map<String, Object> startup = map(container, "startupProbe");
        assertThat(num(startup, "periodSeconds", 10) * num(startup, "failureThreshold", 3))
                .as(overlay + ": startup probe budget (s)").isGreaterThanOrEqualTo(60);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyEngineAndSpringEnvironmentNameBindsToAKnownKey(String overlay) throws IOException {
        List<Map<String, Object>> docs = docs(overlay);
        Set<String> springBoot = springBootPropertyNames();
        assertThat(springBoot).as("Spring Boot's configuration metadata").contains("server.port");
        assertThat(springBoot).as("the allow-list holds only real Spring Boot properties").containsAll(SPRING_KEYS_ALLOWED);
        Set<String> known = new LinkedHashSet<>(appYaml.keySet());
        known.addAll(SPRING_KEYS_ALLOWED);

        Map<String, String> unbound = new TreeMap<>();
        int checked = 0;
        for (Map<String, Object> workload : workloads(docs)) {
            for (Map<String, Object> container : containers(workload)) {
                for (String name : environmentNames(docs, container)) {
                    if (!name.startsWith("ENGINE_") && !name.startsWith("SPRING_")) {
                        continue;
                    }
                    checked++;
                    if (known.stream().noneMatch(key -> binds(name, key))) {
                        unbound.put(name, str(workload, "kind") + "/" + name(workload) + " container " + container.get("name"));
                    }
                }
            }
        }
        assertThat(checked).as(overlay + ": ENGINE_/SPRING_ names checked").isGreaterThan(3);
        assertThat(unbound).as(overlay + ": environment names that bind to no key of application.yml nor to "
                + SPRING_KEYS_ALLOWED + " (relaxed binding: ENGINE_DATA_DIR -> engine.data-dir)").isEmpty();
    }

    /**
     * The team-routes overlay: prod plus a ConfigMap generated from its routes/ folder, mounted
     * read-only where ENGINE_ROUTES_EXTRA_LOCATION points, holding every file of that folder, and the
     * files as rendered pass the engine's own start-up checks (TeamRouteFolder).
     */
    @Test
    void theTeamRoutesOverlayMountsTheTeamFilesWhereTheEngineLooks(@TempDir Path mounted) throws IOException {
        List<Map<String, Object>> docs = docs("team-routes");
        Map<String, Object> deployment = find(docs, "Deployment", ENGINE);
        Map<String, Object> container = engineContainer(docs);
        Map<String, String> env = environment(docs, container);
        String location = env.get("ENGINE_ROUTES_EXTRA_LOCATION");
        assertThat(location).as("ENGINE_ROUTES_EXTRA_LOCATION").isNotBlank();
        assertThat(env).as("reload stays off: the generated ConfigMap's new name rolls the pods").containsEntry("ENGINE_ROUTES_EXTRA_RELOAD", "false");

        Map<String, Object> mount = list(container, "volumeMounts").stream()
                .filter(m -> location.equals(m.get("mountPath"))).findFirst().orElse(null);
        assertThat(mount).as("a volume mounted at " + location).isNotNull();
        assertThat(mount.get("readOnly")).as("the team routes' mount is read-only").isEqualTo(true);
        Map<String, Object> volume = list(podSpec(deployment), "volumes").stream()
                .filter(v -> str(mount, "name").equals(v.get("name"))).findFirst().orElseThrow();
        String configMapName = str(map(volume, "configMap"), "name");
        Map<String, Object> configMap = find(docs, "ConfigMap", configMapName);
        assertThat(configMap).as("ConfigMap " + configMapName + " is rendered").isNotNull();
        assertThat(configMapName).as("generated: its name carries the files' hash").startsWith("telenc-team-routes-");

        Path folder = root.resolve(OVERLAYS).resolve("team-routes/routes");
        Set<String> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = new TreeSet<>(list.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".camel.yaml")).toList());
        }
        assertThat(files).as("route files in " + folder).isNotEmpty();
        Map<String, Object> data = map(configMap, "data");
        assertThat(new TreeSet<>(data.keySet())).as("the ConfigMap holds every file of the overlay's routes/").isEqualTo(files);

        Path at = Files.createDirectories(mounted.resolve("team-routes"));
        for (Map.Entry<String, Object> file : data.entrySet()) {
            Files.writeString(at.resolve(file.getKey()), String.valueOf(file.getValue()));
        }
        TeamRouteFolder.Scan scan = TeamRouteFolder.withBuiltInRoutesOf(getClass().getClassLoader()).check(at);
        assertThat(scan.problems()).as("the rendered team files pass the engine's start-up checks").isEmpty();
        assertThat(scan.ids("route")).as("routes in the rendered team files").isNotEmpty();
    }

    /**
     * The team-routes overlay's folder of extra jars: LOADER_PATH (the image's PropertiesLauncher
     * adds the jars of that folder to the class path) is a read-only mount of an emptyDir that an
     * init container of the team's image of jars fills, writing only there, before the engine
     * starts; that init container follows the production rules of every container.
     */
    @Test
    void theTeamRoutesOverlayMountsTheExtraJarsWhereTheLauncherLooks() {
        List<Map<String, Object>> docs = docs("team-routes");
        Map<String, Object> deployment = find(docs, "Deployment", ENGINE);
        Map<String, Object> container = engineContainer(docs);
        String loaderPath = environment(docs, container).get("LOADER_PATH");
        assertThat(loaderPath).as("LOADER_PATH").isNotBlank();
        Map<String, Object> mount = list(container, "volumeMounts").stream()
                .filter(m -> loaderPath.equals(m.get("mountPath"))).findFirst().orElse(null);
        assertThat(mount).as("a volume mounted at " + loaderPath).isNotNull();
        assertThat(mount.get("readOnly")).as("the engine reads the extra jars only").isEqualTo(true);
        Map<String, Object> volume = list(podSpec(deployment), "volumes").stream()
                .filter(v -> str(mount, "name").equals(v.get("name"))).findFirst().orElseThrow();
        assertThat(volume).as("the extra jars' volume").containsKey("emptyDir");

        List<Map<String, Object>> fillers = list(podSpec(deployment), "initContainers").stream()
                .filter(c -> list(c, "volumeMounts").stream().anyMatch(m -> str(mount, "name").equals(m.get("name")))).toList();
        assertThat(fillers).as("an init container fills " + str(mount, "name")).hasSize(1);
        Map<String, Object> filler = fillers.get(0);
        Map<String, Object> into = list(filler, "volumeMounts").stream()
                .filter(m -> str(mount, "name").equals(m.get("name"))).findFirst().orElseThrow();
        assertThat(into.get("readOnly")).as("the init container writes the jars").isNotEqualTo(true);
        assertThat(String.join(" ", strings(filler.get("command")))).as("it copies jars into its mount")
                .contains(".jar", str(into, "mountPath"));
        assertThat(str(filler, "image")).as("the team's image of jars, by tag").matches("[^:]+:[^:]+").doesNotEndWith(":latest");
        Map<String, Object> security = map(filler, "securityContext");
        assertThat(security).containsEntry("runAsNonRoot", true).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(strings(map(security, "capabilities").get("drop"))).contains("ALL");
        assertThat(map(map(filler, "resources"), "limits")).containsKeys("cpu", "memory");
    }

    @Test
    void theBindingCheckItselfFollowsSpringsRelaxedBinding() {
        assertThat(binds("ENGINE_DATA_DIR", "engine.data-dir")).isTrue();
        assertThat(binds("ENGINE_DATADIR", "engine.data-dir")).isTrue();
        assertThat(binds("ENGINE_BROKER_TCP_CONNECTOR", "engine.broker.tcp-connector")).isTrue();
        assertThat(binds("SPRING_ACTIVEMQ_BROKER_URL", "spring.activemq.broker-url")).isTrue();
        assertThat(binds("ENGINE_SANDBOX_ENABLE", "engine.sandbox.enabled")).isFalse();
        assertThat(binds("ENGINE_BROKER", "engine.broker.embedded")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyContainerIsNonRootReadOnlyAndBounded(String overlay) {
        List<Map<String, Object>> docs = docs(overlay);
        for (Map<String, Object> workload : workloads(docs)) {
            Map<String, Object> pod = podSpec(workload);
            String what = overlay + ": " + str(workload, "kind") + "/" + name(workload);
            assertThat(pod.get("automountServiceAccountToken")).as(what + " automountServiceAccountToken").isEqualTo(false);
            Map<String, Object> podSecurity = map(pod, "securityContext");
            assertThat(str(map(podSecurity, "seccompProfile"), "type")).as(what + " seccompProfile").isEqualTo("RuntimeDefault");
            for (Map<String, Object> container : containers(workload)) {
                String c = what + " container " + container.get("name");
                Map<String, Object> security = map(container, "securityContext");
                Object nonRoot = security.containsKey("runAsNonRoot") ? security.get("runAsNonRoot") : podSecurity.get("runAsNonRoot");
                assertThat(nonRoot).as(c + " runAsNonRoot").isEqualTo(true);
                Object uid = security.containsKey("runAsUser") ? security.get("runAsUser") : podSecurity.get("runAsUser");
                assertThat(uid).as(c + " runAsUser (numeric, not root)").isInstanceOf(Integer.class).isNotEqualTo(0);
                assertThat(security.get("readOnlyRootFilesystem")).as(c + " readOnlyRootFilesystem").isEqualTo(true);
                assertThat(security.get("allowPrivilegeEscalation")).as(c + " allowPrivilegeEscalation").isEqualTo(false);
                assertThat(strings(map(security, "capabilities").get("drop"))).as(c + " capabilities.drop").contains("ALL");
                Map<String, Object> resources = map(container, "resources");
                assertThat(map(resources, "requests")).as(c + " requests").containsKeys("cpu", "memory");
                assertThat(map(resources, "limits")).as(c + " limits").containsKeys("cpu", "memory");
            }
        }
        // the engine writes only to its volumes: the data dir and /tmp are emptyDirs (or claims)
        Map<String, Object> deployment = find(docs, "Deployment", ENGINE);
        Map<String, String> env = environment(docs, engineContainer(docs));
        assertThat(env).containsKey("ENGINE_DATA_DIR");
        Set<String> writable = writableMounts(deployment, engineContainer(docs));
        assertThat(writable).as(overlay + ": writable mounts of the engine").contains(env.get("ENGINE_DATA_DIR"), "/tmp");
        // heap sized from the memory limit
        assertThat(env.getOrDefault("JDK_JAVA_OPTIONS", "") + env.getOrDefault("JAVA_TOOL_OPTIONS", ""))
                .contains("-XX:MaxRAMPercentage=50");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void terminationGraceCoversPreStopAndGracefulShutdown(String overlay) {
        assertThat(appYaml.get("server.shutdown")).isEqualTo("graceful");
        long phase = DurationStyle.detectAndParse(String.valueOf(appYaml.get("spring.lifecycle.timeout-per-shutdown-phase"))).toSeconds();
        long camel = Long.parseLong(String.valueOf(appYaml.get("camel.main.shutdown-timeout")));
        assertThat(camel).as("Camel's shutdown-timeout fits in a shutdown phase").isLessThanOrEqualTo(phase);
        Map<String, Object> deployment = find(docs(overlay), "Deployment", ENGINE);
        long preStop = preStopSleepSeconds(engineContainer(docs(overlay)));
        assertThat(preStop).as(overlay + ": preStop sleep (s)").isBetween(5L, 30L);
        long grace = num(podSpec(deployment), "terminationGracePeriodSeconds", 30);
        // Spring drains the web server (at most one phase), then Camel stops (at most its timeout)
        assertThat(grace).as(overlay + ": terminationGracePeriodSeconds >= preStop " + preStop
                + " + timeout-per-shutdown-phase " + phase + " + camel.main.shutdown-timeout " + camel)
                .isGreaterThanOrEqualTo(preStop + phase)
                .isGreaterThanOrEqualTo(preStop + phase + camel);
    }

    @Test
    void devRunsEverythingInsideOnePod() {
        List<Map<String, Object>> docs = docs("dev");
        Map<String, Object> deployment = find(docs, "Deployment", ENGINE);
        assertThat(num(map(deployment, "spec"), "replicas", 1)).isEqualTo(1);
        Map<String, String> env = environment(docs, engineContainer(docs));
        assertThat(env).containsEntry("ENGINE_BROKER_EMBEDDED", "true")
                .containsEntry("ENGINE_SANDBOX_ENABLED", "true")
                .doesNotContainKeys("SPRING_DATASOURCE_URL", "SPRING_ACTIVEMQ_BROKER_URL");
        assertThat(docs).noneMatch(d -> "StatefulSet".equals(d.get("kind")));
    }

    /**
     * The base runs production mode (no sandbox, no demo tenant and its published credentials);
     * only the dev overlay runs the sandbox, and it listens beyond loopback because it says so
     * (sandbox mode alone listens on loopback, where neither probes nor the Service arrive).
     */
    @Test
    void theBaseRunsProductionModeAndOnlyTheDevOverlayRunsTheSandbox() throws Exception {
        List<Map<String, Object>> base = kustomize("k8s/base");
        assertThat(environment(base, engineContainer(base))).containsEntry("ENGINE_SANDBOX_ENABLED", "false")
                .containsEntry("ENGINE_DEMO_ENABLED", "false").doesNotContainKey("SERVER_ADDRESS");
        rendered.forEach((overlay, docs) -> {
            Map<String, String> env = environment(docs, engineContainer(docs));
            if (overlay.equals("dev")) {
                assertThat(env).as(overlay).containsEntry("ENGINE_SANDBOX_ENABLED", "true").containsEntry("SERVER_ADDRESS", "0.0.0.0");
            } else {
                assertThat(env).as(overlay).containsEntry("ENGINE_SANDBOX_ENABLED", "false").containsEntry("ENGINE_DEMO_ENABLED", "false");
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noWorkloadUnderAnAutoscalerPinsItsReplicas(String overlay) {
        List<Map<String, Object>> docs = docs(overlay);
        for (Map<String, Object> hpa : all(docs, "HorizontalPodAutoscaler")) {
            Map<String, Object> target = map(map(hpa, "spec"), "scaleTargetRef");
            Map<String, Object> workload = find(docs, str(target, "kind"), str(target, "name"));
            assertThat(workload).as(overlay + ": HPA " + name(hpa) + " targets a rendered " + target).isNotNull();
            // every kubectl apply would set the count back to this number under the autoscaler
            assertThat(map(workload, "spec")).as(overlay + ": " + target.get("kind") + "/" + target.get("name")
                    + " is scaled by HPA " + name(hpa) + ", so its spec.replicas must not be set").doesNotContainKey("replicas");
        }
    }

    @Test
    void prodIsReplicatedAutoscaledAndFenced() {
        List<Map<String, Object>> docs = docs("prod");
        Map<String, Object> deployment = find(docs, "Deployment", ENGINE);
        Map<String, Object> podLabels = podLabels(deployment);

        Map<String, Object> hpa = only(docs, "HorizontalPodAutoscaler");
        Map<String, Object> target = map(map(hpa, "spec"), "scaleTargetRef");
        assertThat(target).containsEntry("kind", "Deployment").containsEntry("name", ENGINE);
        long min = num(map(hpa, "spec"), "minReplicas", 1);
        assertThat(min).isGreaterThanOrEqualTo(2).isLessThanOrEqualTo(num(map(hpa, "spec"), "maxReplicas", 0));
        assertThat(list(map(hpa, "spec"), "metrics")).anySatisfy(m ->
                assertThat(map(m, "resource")).containsEntry("name", "cpu"));

        Map<String, Object> pdb = all(docs, "PodDisruptionBudget").stream()
                .filter(p -> selects(map(map(map(p, "spec"), "selector"), "matchLabels"), podLabels)).findFirst().orElseThrow();
        assertThat(selects(map(map(map(pdb, "spec"), "selector"), "matchLabels"), podLabels)).as("PDB selects the engine").isTrue();
        long minAvailable = num(map(pdb, "spec"), "minAvailable", 0);
        assertThat(minAvailable).as("PDB minAvailable: >= 2, and below the HPA's minReplicas so a node can be drained")
                .isGreaterThanOrEqualTo(2).isLessThan(min);

        List<Map<String, Object>> policies = all(docs, "NetworkPolicy");
        Map<String, Object> enginePolicy = policies.stream()
                .filter(p -> selects(map(map(map(p, "spec"), "podSelector"), "matchLabels"), podLabels)).findFirst().orElse(null);
        assertThat(enginePolicy).as("a NetworkPolicy for the engine").isNotNull();
        assertThat(strings(map(enginePolicy, "spec").get("policyTypes"))).contains("Ingress", "Egress");
        int serverPort = Integer.parseInt(String.valueOf(appYaml.get("server.port")));
        assertThat(list(map(enginePolicy, "spec"), "ingress")).as("engine ingress: the HTTP port only").allSatisfy(rule ->
                assertThat(list(rule, "ports")).isNotEmpty().allSatisfy(p -> assertThat(p.get("port")).isIn(serverPort, "http")));
        Set<Object> egressPorts = new LinkedHashSet<>();
        for (Map<String, Object> rule : list(map(enginePolicy, "spec"), "egress")) {
            assertThat(list(rule, "ports")).as("every egress rule names its ports").isNotEmpty();
            list(rule, "ports").forEach(p -> egressPorts.add(p.get("port")));
        }
        assertThat(egressPorts).as("engine egress ports").containsExactlyInAnyOrder(53, 5432, 61616, 443);

        Map<String, Object> broker = only(docs, "StatefulSet");
        Map<String, Object> brokerLabels = podLabels(broker);
        Map<String, Object> brokerPolicy = policies.stream()
                .filter(p -> selects(map(map(map(p, "spec"), "podSelector"), "matchLabels"), brokerLabels)).findFirst().orElse(null);
        assertThat(brokerPolicy).as("a NetworkPolicy for the broker").isNotNull();
        List<Map<String, Object>> ingress = list(map(brokerPolicy, "spec"), "ingress");
        assertThat(ingress).as("the engine pods reach OpenWire").anySatisfy(rule -> {
            assertThat(list(rule, "ports")).extracting(p -> p.get("port")).containsExactly(61616);
            assertThat(list(rule, "from")).isNotEmpty().allSatisfy(from ->
                    assertThat(selects(map(map(from, "podSelector"), "matchLabels"), podLabels)).isTrue());
        });
        assertThat(ingress).as("every broker ingress rule: the broker's ports, from selected pods only").allSatisfy(rule -> {
            assertThat(list(rule, "ports")).isNotEmpty().allSatisfy(p -> assertThat(p.get("port")).isIn(61616, 61614, 5671));
            // an empty or absent `from` would admit every pod and address
            assertThat(list(rule, "from")).isNotEmpty().allSatisfy(from -> {
                assertThat(from).doesNotContainKey("ipBlock");
                assertThat(map(map(from, "podSelector"), "matchLabels")).as("a pod selector with labels").isNotEmpty();
            });
        });
        // MQ-intake producers: only pods the operator labels, none of the engine's or the broker's own
        assertThat(ingress).anySatisfy(rule -> assertThat(list(rule, "from")).allSatisfy(from ->
                assertThat(map(map(from, "podSelector"), "matchLabels")).containsEntry("telenc.org/mq-producer", "allowed")));
    }

    @Test
    void prodRunsAPrimaryStandbyBrokerPairOnOneSharedStoreWithTlsEverywhere() {
        List<Map<String, Object>> docs = docs("prod");
        Map<String, Object> broker = only(docs, "StatefulSet");
        assertThat(num(map(broker, "spec"), "replicas", 1)).as("primary and standby").isEqualTo(2);
        Map<String, Object> pod = podSpec(broker);
        // one shared ReadWriteMany claim mounted by both pods, no claim per pod
        assertThat(list(map(broker, "spec"), "volumeClaimTemplates")).as("no store per pod").isEmpty();
        Map<String, Object> storeVolume = list(pod, "volumes").stream().filter(v -> v.containsKey("persistentVolumeClaim"))
                .findFirst().orElseThrow();
        String claimName = str(map(storeVolume, "persistentVolumeClaim"), "claimName");
        Map<String, Object> claim = find(docs, "PersistentVolumeClaim", claimName);
        assertThat(claim).as("the claim " + claimName).isNotNull();
        assertThat(strings(map(claim, "spec").get("accessModes"))).containsExactly("ReadWriteMany");
        String mountPath = list(containers(broker).get(0), "volumeMounts").stream()
                .filter(m -> storeVolume.get("name").equals(m.get("name"))).map(m -> str(m, "mountPath")).findFirst().orElseThrow();
        // the broker keeps KahaDB, its lock and the scheduler store on that volume
        String xml = String.valueOf(find(docs, "ConfigMap", docs.stream()
                .filter(d -> "ConfigMap".equals(d.get("kind")) && name(d).startsWith("activemq-config")).map(d -> name(d))
                .findFirst().orElseThrow()).get("data"));
        assertThat(xml).contains("<kahaDB directory=\"" + mountPath + "/kahadb\"", "schedulerDirectory=\"" + mountPath + "/scheduler\"",
                "shared-file-locker", "schedulerSupport=\"true\"", "anonymousAccessAllowed=\"false\"");
        // TLS on every connector
        Matcher connector = Pattern.compile("<transportConnector name=\"[^\"]+\" uri=\"([a-z+]+)://").matcher(xml);
        List<String> schemes = new ArrayList<>();
        while (connector.find()) {
            schemes.add(connector.group(1));
        }
        assertThat(schemes).containsExactlyInAnyOrder("ssl", "stomp+ssl", "amqp+ssl");
        assertThat(xml).contains("transport.transformer=jms");

        // at most one broker pod voluntarily down, the pair on different nodes
        Map<String, Object> brokerLabels = podLabels(broker);
        Map<String, Object> pdb = all(docs, "PodDisruptionBudget").stream()
                .filter(p -> selects(map(map(map(p, "spec"), "selector"), "matchLabels"), brokerLabels)).findFirst().orElseThrow();
        assertThat(num(map(pdb, "spec"), "maxUnavailable", 0)).isEqualTo(1);
        assertThat(String.valueOf(map(map(pod, "affinity"), "podAntiAffinity"))).contains("kubernetes.io/hostname");
        // the standby listens on nothing until it is primary: its DNS name must exist anyway
        String serviceName = str(map(broker, "spec"), "serviceName");
        assertThat(map(find(docs, "Service", serviceName), "spec").get("publishNotReadyAddresses")).isEqualTo(true);
    }

    @Test
    void prodUsesTheExternalBrokerAndDatabaseWithOperatorSuppliedSecrets() throws IOException {
        List<Map<String, Object>> docs = docs("prod");
        Map<String, Object> container = engineContainer(docs);
        Map<String, String> env = environment(docs, container);
        assertThat(env).containsEntry("ENGINE_SANDBOX_ENABLED", "false")
                .containsEntry("ENGINE_DEMO_ENABLED", "false")
                .containsEntry("ENGINE_BROKER_EMBEDDED", "false");

        // the broker URL names the StatefulSet's first pod through its headless Service
        Map<String, Object> broker = only(docs, "StatefulSet");
        String serviceName = str(map(broker, "spec"), "serviceName");
        Map<String, Object> headless = find(docs, "Service", serviceName);
        assertThat(headless).as("the StatefulSet's Service " + serviceName).isNotNull();
        assertThat(map(headless, "spec").get("clusterIP")).isEqualTo("None");
        int port = (Integer) list(map(headless, "spec"), "ports").get(0).get("port");
        // both brokers of the pair, primary first, over TLS; the engine trusts the brokers' CA
        assertThat(env.get("SPRING_ACTIVEMQ_BROKER_URL")).isEqualTo("failover:(ssl://" + name(broker) + "-0." + serviceName + ":" + port
                + ",ssl://" + name(broker) + "-1." + serviceName + ":" + port + ")?randomize=false&timeout=10000");
        assertThat(env).containsKey("ENGINE_BROKER_TRUST_STORE");
        assertThat(writableMounts(find(docs, "Deployment", ENGINE), container)).doesNotContain(env.get("ENGINE_BROKER_TRUST_STORE"));

        Map<String, String> fromSecrets = secretReferences(container);
        assertThat(fromSecrets.keySet()).contains("SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME",
                "SPRING_DATASOURCE_PASSWORD", "ENGINE_SECRETS_KEY", "ENGINE_ADMIN_TOKEN_SHA256",
                "ENGINE_BROKER_USER", "ENGINE_BROKER_PASSWORD");
        // the operator console on the engine's port, behind the engine's Service, OIDC login from a Secret
        assertThat(env).containsEntry("ENGINE_CONSOLE_ENABLED", "true").containsKey("ENGINE_CONSOLE_OIDC_ROLECLAIM");
        assertThat(fromSecrets).containsEntry("ENGINE_CONSOLE_OIDC_ISSUERURI", "telenc-engine-console-oidc/issuer-uri")
                .containsEntry("ENGINE_CONSOLE_OIDC_CLIENTID", "telenc-engine-console-oidc/client-id")
                .containsEntry("ENGINE_CONSOLE_OIDC_CLIENTSECRET", "telenc-engine-console-oidc/client-secret")
                .containsEntry("ENGINE_CONSOLE_OIDC_REDIRECTURI", "telenc-engine-console-oidc/redirect-uri");

        // the overlay renders no Secret (applying it never overwrites the operator's); what it asks
        // for is exactly what secrets.example.yaml documents, with placeholder values only
        assertThat(docs).noneMatch(d -> "Secret".equals(d.get("kind")));
        Set<String> referenced = new TreeSet<>();
        for (Map<String, Object> workload : workloads(docs)) {
            for (Map<String, Object> c : containers(workload)) {
                referenced.addAll(secretReferences(c).values());
                for (Map<String, Object> from : list(c, "envFrom")) {
                    assertThat(from).as("secrets by key only").doesNotContainKey("secretRef");
                }
            }
        }
        Set<String> documented = new TreeSet<>();
        try (InputStream in = Files.newInputStream(root.resolve(OVERLAYS).resolve("prod/secrets.example.yaml"))) {
            for (Object doc : new Yaml().loadAll(in)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> secret = (Map<String, Object>) doc;
                assertThat(secret.get("kind")).isEqualTo("Secret");
                map(secret, "stringData").forEach((key, value) -> {
                    documented.add(name(secret) + "/" + key);
                    assertThat(String.valueOf(value)).as("placeholder " + name(secret) + "/" + key).contains("CHANGE-ME");
                });
            }
        }
        assertThat(referenced).isEqualTo(documented);
        Map<String, Object> kustomization = new Yaml().load(Files.readString(root.resolve(OVERLAYS).resolve("prod/kustomization.yaml")));
        assertThat(String.valueOf(kustomization)).as("the prod kustomization does not use the example").doesNotContain("secrets.example.yaml");
    }

    @Test
    void theImageRunsAsTheUserThePodsDeclare() throws IOException {
        String dockerfile = Files.readString(root.resolve("Dockerfile"));
        assertThat(dockerfile).contains("FROM eclipse-temurin:17-jre",
                "-Djarmode=tools -jar app.jar extract --layers --launcher",
                // PropertiesLauncher: it reads LOADER_PATH (the folder of extra jars, the team-routes overlay)
                "org.springframework.boot.loader.launch.PropertiesLauncher", "-XX:MaxRAMPercentage=50");
        Matcher user = Pattern.compile("(?m)^USER (\\d+)").matcher(dockerfile);
        assertThat(user.find()).as("a numeric USER").isTrue();
        int uid = Integer.parseInt(user.group(1));
        assertThat(uid).isNotZero();
        // the layers in order: least to most often changed
        List<String> layers = List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
        int last = -1;
        for (String layer : layers) {
            int at = dockerfile.indexOf("extracted/" + layer + "/ ");
            assertThat(at).as("COPY of layer " + layer + " after the previous one").isGreaterThan(last);
            last = at;
        }
        for (String overlay : rendered.keySet()) {
            Map<String, Object> deployment = find(docs(overlay), "Deployment", ENGINE);
            assertThat(map(podSpec(deployment), "securityContext").get("runAsUser")).as(overlay + " runAsUser").isEqualTo(uid);
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Runs kubectl kustomize: a failure to start it (not installed) fails the test. */
    static List<Map<String, Object>> kustomize(String dir) throws Exception {
        String kubectl = Objects.requireNonNullElse(System.getenv("KUBECTL"), "kubectl");
        Path stderr = Files.createTempFile("kustomize", ".err");
        Process process;
        try {
            process = new ProcessBuilder(kubectl, "kustomize", dir)
                    .directory(root.toFile())
                    .redirectError(stderr.toFile())
                    .start();
        } catch (IOException e) {
            Files.deleteIfExists(stderr);
            return fail("kubectl is required to render " + dir + " (" + e.getMessage() + "). Install it: "
                    + "apt-get install kubernetes-client (Debian; .ci/run does this), or set KUBECTL to its path.");
        }
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(kubectl + " kustomize " + dir + " did not finish within 120 s");
        }
        String err = Files.readString(stderr);
        Files.deleteIfExists(stderr);
        assertThat(process.exitValue()).as(kubectl + " kustomize " + dir + " (the overlays need kustomize v5, "
                + "kubectl 1.27 or newer): " + err).isZero();
        stderrOf.put(dir, err);
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(out)) {
            if (doc != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) doc;
                docs.add(map);
            }
        }
        assertThat(docs).as(dir + " renders resources").isNotEmpty();
        return docs;
    }

    static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.exists(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve(OVERLAYS)))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("project root with pom.xml and " + OVERLAYS).isNotNull();
        return dir;
    }

    /** Does the environment variable {@code env} set the property {@code key}, by Spring Boot's own mapping? */
    static boolean binds(String env, String key) {
        if (!ConfigurationPropertyName.isValid(key)) {
            return false;
        }
        ConfigurationPropertySource source = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(env, "x")));
        return source.getConfigurationProperty(ConfigurationPropertyName.of(key)) != null;
    }

    /** Every property name in the Spring Boot (and other) configuration metadata on the classpath. */
    static Set<String> springBootPropertyNames() throws IOException {
        Set<String> names = new TreeSet<>();
        ObjectMapper json = new ObjectMapper();
        Enumeration<URL> files = KubernetesManifestsTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json");
        while (files.hasMoreElements()) {
            try (InputStream in = files.nextElement().openStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    names.add(property.path("name").asText());
                }
            }
        }
        return names;
    }

    static Map<String, Object> flatten(Map<String, Object> yaml) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", yaml, flat);
        return flat;
    }

    @SuppressWarnings("unchecked")
    static void flatten(String prefix, Map<String, Object> yaml, Map<String, Object> into) {
        yaml.forEach((key, value) -> {
            String name = prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
            if (value instanceof Map<?, ?> nested) {
                flatten(name, (Map<String, Object>) nested, into);
            } else {
                into.put(name, value);
            }
        });
    }

    static List<Map<String, Object>> docs(String overlay) {
        assertThat(rendered).containsKey(overlay);
        return rendered.get(overlay);
    }

    static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(name(d))).findFirst().orElse(null);
    }

    static List<Map<String, Object>> all(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    static Map<String, Object> only(List<Map<String, Object>> docs, String kind) {
        List<Map<String, Object>> found = all(docs, kind);
        assertThat(found).as("one " + kind).hasSize(1);
        return found.get(0);
    }

    static List<Map<String, Object>> workloads(List<Map<String, Object>> docs) {
        return docs.stream().filter(d -> Set.of("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob").contains(d.get("kind"))).toList();
    }

    static String name(Map<String, Object> doc) {
        return str(map(doc, "metadata"), "name");
    }

    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(map(map(workload, "spec"), "template"), "spec");
    }

    static Map<String, Object> podLabels(Map<String, Object> workload) {
        return map(map(map(map(workload, "spec"), "template"), "metadata"), "labels");
    }

    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        List<Map<String, Object>> all = new ArrayList<>(list(podSpec(workload), "initContainers"));
        all.addAll(list(podSpec(workload), "containers"));
        return all;
    }

    static Map<String, Object> engineContainer(List<Map<String, Object>> docs) {
        Map<String, Object> deployment = find(docs, "Deployment", ENGINE);
        assertThat(deployment).isNotNull();
        List<Map<String, Object>> containers = list(podSpec(deployment), "containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty() && selector.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    /** Names of the container's environment: its env entries and the keys of every ConfigMap/Secret it takes whole. */
    static Set<String> environmentNames(List<Map<String, Object>> docs, Map<String, Object> container) {
        Set<String> names = new TreeSet<>();
        list(container, "env").forEach(e -> names.add(str(e, "name")));
        for (Map<String, Object> from : list(container, "envFrom")) {
            for (String kind : List.of("ConfigMap", "Secret")) {
                Map<String, Object> ref = map(from, kind.equals("ConfigMap") ? "configMapRef" : "secretRef");
                if (!ref.isEmpty()) {
                    Map<String, Object> source = find(docs, kind, str(ref, "name"));
                    assertThat(source).as(kind + " " + ref.get("name") + " is rendered").isNotNull();
                    String prefix = Objects.requireNonNullElse((String) from.get("prefix"), "");
                    map(source, "data").keySet().forEach(k -> names.add(prefix + k));
                }
            }
        }
        return names;
    }

    /** The container's literal environment (ConfigMap values and env values; not secrets). */
    static Map<String, String> environment(List<Map<String, Object>> docs, Map<String, Object> container) {
        Map<String, String> env = new TreeMap<>();
        for (Map<String, Object> from : list(container, "envFrom")) {
            Map<String, Object> ref = map(from, "configMapRef");
            if (!ref.isEmpty()) {
                map(find(docs, "ConfigMap", str(ref, "name")), "data").forEach((k, v) -> env.put(k, String.valueOf(v)));
            }
        }
        list(container, "env").forEach(e -> {
            if (e.containsKey("value")) {
                env.put(str(e, "name"), String.valueOf(e.get("value")));
            }
        });
        return env;
    }

    /** env name -> "secret/key" of every secretKeyRef. */
    static Map<String, String> secretReferences(Map<String, Object> container) {
        Map<String, String> refs = new TreeMap<>();
        list(container, "env").forEach(e -> {
            Map<String, Object> ref = map(map(e, "valueFrom"), "secretKeyRef");
            if (!ref.isEmpty()) {
                refs.put(str(e, "name"), ref.get("name") + "/" + ref.get("key"));
            }
        });
        return refs;
    }

    static Set<String> writableMounts(Map<String, Object> workload, Map<String, Object> container) {
        Set<String> writableVolumes = new TreeSet<>();
        for (Map<String, Object> volume : list(podSpec(workload), "volumes")) {
            if (volume.containsKey("emptyDir") || volume.containsKey("persistentVolumeClaim")) {
                writableVolumes.add(str(volume, "name"));
            }
        }
        list(map(workload, "spec"), "volumeClaimTemplates").forEach(t -> writableVolumes.add(name(t)));
        Set<String> paths = new TreeSet<>();
        for (Map<String, Object> mount : list(container, "volumeMounts")) {
            if (writableVolumes.contains(str(mount, "name")) && !Boolean.TRUE.equals(mount.get("readOnly"))) {
                paths.add(str(mount, "mountPath"));
            }
        }
        return paths;
    }

    static String httpProbePath(String overlay, Map<String, Object> container, String probe) {
        Map<String, Object> httpGet = map(map(container, probe), "httpGet");
        assertThat(httpGet).as(overlay + ": " + probe + ".httpGet").isNotEmpty();
        assertThat(String.valueOf(httpGet.get("port"))).as(overlay + ": " + probe + " port")
                .isIn("http", String.valueOf(appYaml.get("server.port")));
        return str(httpGet, "path");
    }

    /** The preStop hook's sleep: {@code sleep: {seconds: N}} or an exec of {@code sleep N}. */
    static long preStopSleepSeconds(Map<String, Object> container) {
        Map<String, Object> preStop = map(map(container, "lifecycle"), "preStop");
        if (preStop.containsKey("sleep")) {
            return num(map(preStop, "sleep"), "seconds", 0);
        }
        List<String> command = strings(map(preStop, "exec").get("command"));
        String joined = String.join(" ", command);
        Matcher sleep = Pattern.compile("(?:^|\\s)sleep\\s+(\\S+)").matcher(joined);
        assertThat(sleep.find()).as("a preStop sleep: " + joined).isTrue();
        return DurationStyle.detectAndParse(sleep.group(1).matches("\\d+") ? sleep.group(1) + "s" : sleep.group(1)).toSeconds();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent == null ? null : parent.get(key);
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        Object value = parent == null ? null : parent.get(key);
        return value instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    static List<String> strings(Object value) {
        return value instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    static String str(Map<String, Object> parent, String key) {
        Object value = parent == null ? null : parent.get(key);
        return value == null ? null : String.valueOf(value);
    }

    static long num(Map<String, Object> parent, String key, long otherwise) {
        Object value = parent == null ? null : parent.get(key);
        return value instanceof Number n ? n.longValue() : otherwise;
    }
}
