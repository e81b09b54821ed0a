package org.telenc.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.TestDatabase;
import org.telenc.engine.support.WebhookReceiver;

/**
 * What rests in the data directory after a run (an engine of its own, so the directory holds only
 * this run): no webhook signing secret in clear in any byte of any file (H2's file, the broker's
 * journal, everything), and the directory tree owner-only, 0700 directories and 0600 files.
 */
class DataAtRestTest extends EngineTest {

    @DynamicPropertySource
    static void ownDirectory(DynamicPropertyRegistry registry) {
        ownEngine(registry, "data-at-rest");
    }

    @Value("${engine.data-dir}")
    Path dataDir;
    @Autowired
    JdbcTemplate jdbc;

    /** A run: a webhook registered and rotated, an encounter taken in, processed and announced. */
    List<String> run() throws Exception {
        List<String> secrets = new ArrayList<>();
        try (WebhookReceiver own = new WebhookReceiver()) {
            for (String scheme : List.of("cobalt", "standard")) {
                JsonNode registered = JSON.readTree(post("/v1/webhook", JSON.createObjectNode().put("webhook_url", own.url() + "/" + scheme)
                        .put("signature_scheme", scheme).toString()).body());
                secrets.add(registered.path("webhook_secret").asText());
                secrets.add(JSON.readTree(post("/v1/webhook/" + registered.path("webhook_id").asText() + "/rotate-secret", "").body())
                        .path("webhook").path("secret").asText());
            }
            secrets.add(receiverSecret());
            String id = JSON.readTree(post("/v1/telephone-encounters", encounterBody("100236", null, null)).body())
                    .path("telephone_encounter_id").asText();
            receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(30)); // the shared receiver: one registration
        }
        if (!TestDatabase.postgresql()) {
            jdbc.execute("checkpoint sync"); // everything H2 holds in memory reaches its file
        }
        return secrets;
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    List<Path> files() throws IOException {
        try (Stream<Path> all = Files.walk(dataDir)) {
            return all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
    }

    @Test
    void noWebhookSecretRestsInClearInAnyFileOfTheDataDirectory() throws Exception {
        List<String> secrets = run();
        assertThat(secrets).hasSize(5).allSatisfy(s -> assertThat(s).hasSizeGreaterThanOrEqualTo(32));
        assertThat(secrets).anyMatch(s -> s.startsWith("whsec_"));
        List<Path> files = files();
        if (!TestDatabase.postgresql()) {
            assertThat(files).as("H2's file is there to be read").anyMatch(p -> p.toString().endsWith(".mv.db"));
        }
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            assertThat(contains(bytes, "whsec_".getBytes(StandardCharsets.US_ASCII))).as("whsec_ in %s", dataDir.relativize(file)).isFalse();
            for (String secret : secrets) {
                String body = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
                assertThat(contains(bytes, body.getBytes(StandardCharsets.US_ASCII))).as("a secret in %s", dataDir.relativize(file))
                        .isFalse();
            }
        }
    }

    @Test
    void theDataDirectoryIsTheOwnersAlone() throws Exception {
        Assumptions.assumeTrue(Files.getFileStore(dataDir).supportsFileAttributeView("posix"), "no POSIX permissions here");
        run();
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Stream<Path> all = Files.walk(dataDir)) {
                List<Path> entries = all.toList();
                assertThat(entries).as("KahaDB and the scheduler store are there")
                        .anyMatch(p -> p.toString().contains("kahadb")).anyMatch(p -> p.toString().contains("scheduler"));
                if (!TestDatabase.postgresql()) {
                    // on PostgreSQL the database is elsewhere and the tests configure the sealing key
                    assertThat(entries).as("the H2 file and secrets.key are there")
                            .anyMatch(p -> p.toString().endsWith(".mv.db")).anyMatch(p -> p.endsWith("secrets.key"));
                }
                for (Path entry : entries) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS));
                    if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                        assertThat(mode).as("directory %s", dataDir.relativize(entry)).isEqualTo("rwx------");
                    } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                        assertThat(mode).as("file %s", dataDir.relativize(entry)).isEqualTo("rw-------");
                    }
                }
            }
        });
    }
}
