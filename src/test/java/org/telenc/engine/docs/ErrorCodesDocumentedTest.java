package org.telenc.engine.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every error code the engine can emit is documented in docs/api.md: each API error code in a row
 * of the "Error codes" section that also gives its HTTP status, each webhook reason code in a row
 * of the "Reason codes" section. The codes are read from the main sources ({@link EngineErrorCodes}),
 * so a new code without documentation fails the build. Plain JUnit: no engine.
 */
class ErrorCodesDocumentedTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    static final String ERROR_SECTION = "error codes";
    static final String REASON_SECTION = "reason codes";

    @Test
    void everyCodeTheEngineCanEmitIsInTheApiReference() throws IOException {
        EngineErrorCodes codes = EngineErrorCodes.scan(ROOT.resolve("src/main/java"));
        assertThat(codes.unreadable).as("sites whose error code this test cannot read").isEmpty();
        // the scan really finds the engine's codes (were it to find nothing, nothing would be checked)
        assertThat(codes.apiCodes).containsKeys("invalid_client_credentials", "invalid_json", "missing_required_field",
                "reason_too_long", "user_not_found", "payload_too_large", "idempotency_key_reused", "webhook_not_found");
        assertThat(codes.apiCodes.get("user_not_found")).containsExactly(404);
        assertThat(codes.reasonCodes).contains("patient_not_found", "medication_ambiguous", "emr_unavailable",
                "emr_rejected", "login_required", "refill_not_added", "encounter_not_found");

        // the codes a clinic's hook may end a job failed with (job.fail of a checked variable)
        codes.reasonCodes.addAll(org.telenc.engine.extension.FailureCodes.ALLOWED);
        String api = Files.readString(ROOT.resolve("docs/api.md"));
        assertThat(undocumented(codes, api)).as("codes the engine emits that docs/api.md does not document").isEmpty();
    }

    /** The check itself: a new code, a code documented with another status, a reason code only in the API table. */
    @Test
    void aNewCodeWithoutDocumentationIsFound() {
        EngineErrorCodes codes = new EngineErrorCodes();
        codes.reasonCodeExceptions.add("EmrPermanentException");
        codes.scanFile("x/Foo.java", """
                class Foo {
                    // new ApiException(400, "only_in_a_comment", "...") is not a site
                    void a() { throw new ApiException(418, "teapot", "I am a teapot."); }
                    void b() { throw new ApiException(404, "gone_away", "Gone."); }
                    void c() { throw new ApiException(status, "any_status", "Whatever."); }
                    void d(Job job) { job.fail("new_reason", "described"); job.partial("login_required", "x"); }
                    void e() { throw new EmrPermanentException("emr_new", 0, "x"); }
                    void g() { throw new EmrThrottledException("a message, not a code"); }
                    void h(ObjectNode o) { o.put("error", "by_hand"); write("{\\"success\\":false,\\"error\\":\\"in_text\\"}"); }
                    void f(String code) { throw new ApiException(400, code, "computed"); }
                }
                """);
        assertThat(codes.apiCodes).containsOnlyKeys("teapot", "gone_away", "any_status", "by_hand", "in_text");
        assertThat(codes.apiCodes.get("teapot")).containsExactly(418);
        assertThat(codes.apiCodes.get("any_status")).isEmpty();
        assertThat(codes.reasonCodes).containsExactlyInAnyOrder("new_reason", "login_required", "emr_new");
        assertThat(codes.unreadable).singleElement().asString().contains("x/Foo.java:10").contains("code");

        String api = """
                # API
                ## Error codes
                | status | `error` | when |
                |---|---|---|
                | 418 | `teapot` | brewing |
                | 410 | `gone_away` | wrong status |
                | any | `any_status` | |
                | 400 | `by_hand` | |
                | 400 | `in_text` | |
                | 403 | `login_required` | the link expired |
                ### Reason codes
                | code | when |
                |---|---|
                | `new_reason` | documented |
                ## Signatures
                | `emr_new` | not in the reason section |
                """;
        assertThat(undocumented(codes, api)).containsExactlyInAnyOrder(
                "API error code gone_away with HTTP 404", "webhook reason code login_required", "webhook reason code emr_new");
    }

    /** What docs/api.md is missing, one line per code (and status). */
    static List<String> undocumented(EngineErrorCodes codes, String apiMarkdown) {
        List<String> errorRows = tableRows(apiMarkdown, ERROR_SECTION);
        List<String> reasonRows = tableRows(apiMarkdown, REASON_SECTION);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Set<Integer>> entry : codes.apiCodes.entrySet()) {
            List<String> rows = errorRows.stream().filter(row -> row.contains("`" + entry.getKey() + "`")).toList();
            if (rows.isEmpty()) {
                missing.add("API error code " + entry.getKey());
                continue;
            }
            for (int status : entry.getValue()) {
                Pattern word = Pattern.compile("\\b" + status + "\\b");
                if (rows.stream().noneMatch(row -> word.matcher(row).find())) {
                    missing.add("API error code " + entry.getKey() + " with HTTP " + status);
                }
            }
        }
        for (String code : codes.reasonCodes) {
            if (reasonRows.stream().noneMatch(row -> row.contains("`" + code + "`"))) {
                missing.add("webhook reason code " + code);
            }
        }
        return missing;
    }

    /**
     * The table rows of the section whose heading contains the title (case-insensitive), up to the
     * next heading of the same or a higher level; its subsections count, except a subsection that is
     * itself the other titled section.
     */
    static List<String> tableRows(String markdown, String title) {
        List<String> rows = new ArrayList<>();
        int level = 0;
        boolean inFence = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            int hashes = headingLevel(line);
            if (hashes > 0) {
                String heading = line.substring(hashes).strip().toLowerCase(Locale.ROOT);
                if (level == 0 && heading.contains(title)) {
                    level = hashes;
                } else if (level > 0 && (hashes <= level || heading.contains(ERROR_SECTION) || heading.contains(REASON_SECTION))) {
                    level = heading.contains(title) ? hashes : 0;
                }
                continue;
            }
            if (level > 0 && line.startsWith("|")) {
                rows.add(line);
            }
        }
        return rows;
    }

    private static int headingLevel(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == '#') {
            n++;
        }
        return n > 0 && n <= 6 && line.length() > n && line.charAt(n) == ' ' ? n : 0;
    }
}
