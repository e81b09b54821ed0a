package org.telenc.engine.faults;

import java.util.List;
import java.util.Locale;

/**
 * The suite's report: the table (one row per scenario: sent, acknowledged, completed, duplicates, lost), then per
 * scenario its verdict and notes. PHI-free by construction: only counts, ids, codes and paths.
 */
final class ResultTable {

    private static final String ROW = "| %-32s | %5s | %12s | %9s | %10s | %4s | %5s | %7s |%n";

    private ResultTable() {}

    static String format(List<ScenarioResult> results) {
        StringBuilder out = new StringBuilder(System.lineSeparator());
        out.append(String.format(Locale.ROOT, ROW, "fault", "sent", "acknowledged", "completed", "duplicates", "lost",
                "other", "seconds"));
        out.append(String.format(Locale.ROOT, ROW, "-".repeat(32), "-".repeat(5), "-".repeat(12), "-".repeat(9),
                "-".repeat(10), "-".repeat(4), "-".repeat(5), "-".repeat(7)));
        for (ScenarioResult r : results) {
            out.append(String.format(Locale.ROOT, ROW, r.fault(), r.sent(), r.acknowledged(), r.completed(),
                    r.duplicates(), r.lost(), r.other(), String.format(Locale.ROOT, "%.1f", r.seconds())));
        }
        for (ScenarioResult r : results) {
            out.append(System.lineSeparator()).append(r.fault()).append(": ").append(r.passed() ? "ok" : "FAILED")
                    .append(System.lineSeparator());
            if (r.error() != null) {
                out.append("  ERROR ").append(r.error()).append(System.lineSeparator());
            }
            r.notes().forEach(note -> out.append("  - ").append(note).append(System.lineSeparator()));
        }
        return out.toString();
    }
}
