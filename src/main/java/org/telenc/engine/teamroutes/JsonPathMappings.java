package org.telenc.engine.teamroutes;

import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rule a JsonPath mapping follows, the same the emr.rest beans apply when a job runs: a field
 * list is {@code target=expression} entries separated by spaces, each expression a JsonPath
 * ({@code $...}, compiled by Jayway JsonPath as camel-jsonpath does) or a literal ({@code @...}).
 * The answers name the entry (route text, never data) and what to write instead: the old dotted
 * field paths ({@code patientIds=patients.patient_id}) get their JsonPath spelling.
 */
public final class JsonPathMappings {

    private JsonPathMappings() {
    }

    /** What is wrong with a field list, one text per entry at fault (empty when it would run). */
    public static List<String> fieldListProblems(String fields) {
        List<String> problems = new ArrayList<>();
        if (fields == null || fields.isBlank()) {
            return problems;
        }
        for (String entry : fields.strip().split("\\s+")) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                problems.add("mapping entry '" + entry + "' is not target=expression; write target=$.path (a JsonPath) or"
                        + " target=@literal, entries separated by spaces (a filter written without spaces)");
                continue;
            }
            String target = entry.substring(0, eq);
            String expression = entry.substring(eq + 1);
            if (expression.startsWith("@")) {
                continue;
            }
            if (!expression.startsWith("$")) {
                problems.add("mapping '" + entry + "' is " + (expression.contains(".")
                        ? "not a JsonPath (the old dotted field paths are gone)" : "neither a JsonPath ($...) nor a literal (@...)")
                        + "; write " + instead(target, expression));
                continue;
            }
            pathProblem(expression).ifPresent(why -> problems.add("mapping '" + entry + "': " + why));
        }
        return problems;
    }

    /** What is wrong with one JsonPath, if anything; {@code optional}: blank stands for the source itself. */
    public static Optional<String> singlePathProblem(String path, boolean optional) {
        if (path == null || path.isBlank()) {
            return optional ? Optional.empty() : Optional.of("a JsonPath is needed here; write one, e.g. $.medications");
        }
        return pathProblem(path.strip()).map(why -> "'" + path.strip() + "': " + why);
    }

    /** Why Jayway JsonPath (camel-jsonpath's engine) refuses the path, if it does. */
    public static Optional<String> pathProblem(String path) {
        try {
            JsonPath.compile(path);
            return Optional.empty();
        } catch (InvalidPathException | IllegalArgumentException e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
            return Optional.of("not a valid JsonPath (" + detail + "); correct it, e.g. $.cases[0].case_id or $.patients[*].patient_id");
        }
    }

    /** What to write for an old dotted entry: its JsonPath, with the list-aware spelling when it differs. */
    static String instead(String target, String dotted) {
        String plain = fromDotted(dotted, false);
        String lists = fromDotted(dotted, true);
        if (!dotted.contains(".")) {
            return target + "=" + plain + " (a field) or " + target + "=@" + dotted + " (a literal)";
        }
        return target + "=" + plain + (lists.equals(plain) ? "" : " (where a field is a list, " + target + "=" + lists + ")");
    }

    /** The JsonPath of an old dotted field path: {@code cases.0.case_id} is {@code $.cases[0].case_id}; {@code lists}: {@code [*]} after a field another field follows. */
    static String fromDotted(String dotted, boolean lists) {
        String[] segments = java.util.Arrays.stream(dotted.split("\\.")).filter(x -> !x.isEmpty()).toArray(String[]::new);
        StringBuilder path = new StringBuilder("$");
        for (int i = 0; i < segments.length; i++) {
            boolean index = segments[i].matches("\\d+");
            path.append(index ? "[" + segments[i] + "]" : "." + segments[i]);
            // the old paths stepped into every element of a list they met: [*] in JsonPath
            if (lists && !index && i + 1 < segments.length && !segments[i + 1].matches("\\d+")) {
                path.append("[*]");
            }
        }
        return path.toString();
    }
}
