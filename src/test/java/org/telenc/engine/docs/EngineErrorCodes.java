package org.telenc.engine.docs;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.telenc.engine.intake.ValidationErrors;

/**
 * Every error code the engine can emit, read from where the code defines them, not from a list
 * kept by hand:
 *
 * <ul>
 *   <li>API error codes (the {@code error} of an error body): every {@code new ApiException(status,
 *       "code", ...)} in the main sources, with its status when that is a literal, every body written
 *       by hand ({@code .put("error", "code")}, JSON text {@code "error": "code"}), and the
 *       bean-validation codes {@link ValidationErrors} ranks (its {@code CHECK_ORDER}, which every
 *       validation code must be in).</li>
 *   <li>Webhook reason codes (a {@code reasons[].code} of a failed or partial event): every
 *       {@code .fail("code", ...)} / {@code .partial("code", ...)} of a job, every EMR exception made
 *       with a literal reason code ({@code new EmrPermanentException("code", ...)}, {@code super("code",
 *       ...)} in an {@code Emr*Exception}), and the fallback of {@code e.reasonCode() : "code"}.</li>
 * </ul>
 *
 * A site whose code is not a literal (other than the three the engine has: validation's first error,
 * a job failing with the reason code of its EMR exception, and a clinic's extension rejecting with
 * its team's own code) is reported as unreadable, so a new
 * way of making codes has to be taught here instead of slipping past the documentation check.
 */
final class EngineErrorCodes {

    private static final Pattern API_SITE = Pattern.compile("new\\s+ApiException\\(");
    private static final Pattern API_EXCEPTION = Pattern.compile("new\\s+ApiException\\(\\s*([^,()]+?)\\s*,\\s*([^,]+?)\\s*,");
    private static final Pattern JOB_REASON = Pattern.compile("\\.(?:fail|partial)\\(\\s*([^,]+?)\\s*,");
    private static final Pattern NEW_EXCEPTION = Pattern.compile("new\\s+(?:[\\w.]+\\.)?(\\w+Exception)\\(\\s*\"([^\"]*)\"");
    private static final Pattern REASON_CODE_CONSTRUCTOR = Pattern.compile("(?:public|protected)\\s+(Emr\\w*Exception)\\(\\s*String\\s+reasonCode\\b");
    private static final Pattern EMR_SUPER = Pattern.compile("\\bsuper\\(\\s*\"([^\"]*)\"");
    private static final Pattern REASON_FALLBACK = Pattern.compile("reasonCode\\(\\)\\s*:\\s*\"([^\"]*)\"");
    /** A body written by hand: {@code .put("error", "code")} or JSON text {@code "error": "code"}. */
    private static final Pattern ERROR_PUT = Pattern.compile("\\.put\\(\\s*\"error\"\\s*,\\s*\"([^\"]*)\"");
    private static final Pattern ERROR_JSON = Pattern.compile("\\\\?\"error\\\\?\"\\s*:\\s*\\\\?\"([^\"\\\\]*)");
    private static final Pattern LITERAL = Pattern.compile("\"([a-z][a-z0-9_]*)\"");
    private static final Pattern STATUS = Pattern.compile("\\d{3}");
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]*");

    /** API code → the statuses it is sent with (empty when only a computed status is known). */
    final Map<String, Set<Integer>> apiCodes = new TreeMap<>();
    final Set<String> reasonCodes = new TreeSet<>();
    /** The EMR exceptions whose first constructor argument is the reason code. */
    final Set<String> reasonCodeExceptions = new TreeSet<>();
    /** String constants of the scanned tree, as Owner.NAME: their literal. */
    final Map<String, String> constants = new TreeMap<>();
    static final Pattern STRING_CONSTANT = Pattern.compile("\\bstatic\\s+final\\s+String\\s+(\\w+)\\s*=\\s*\"([^\"]*)\"\\s*;");

    /** Sites whose code could not be read, as file:line and the expression. */
    final List<String> unreadable = new ArrayList<>();

    static EngineErrorCodes scan(Path mainJava) throws IOException {
        EngineErrorCodes codes = new EngineErrorCodes();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(mainJava)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path file : sources) {
            Matcher constructor = REASON_CODE_CONSTRUCTOR.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (constructor.find()) {
                codes.reasonCodeExceptions.add(constructor.group(1));
            }
        }
        for (Path file : sources) {
            String owner = file.getFileName().toString().replace(".java", "");
            Matcher constant = STRING_CONSTANT.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (constant.find()) {
                codes.constants.put(owner + "." + constant.group(1), constant.group(2));
            }
        }
        for (Path file : sources) {
            codes.scanFile(mainJava.relativize(file).toString(), Files.readString(file, StandardCharsets.UTF_8));
        }
        for (String code : validationCodes()) {
            codes.apiCodes.computeIfAbsent(code, c -> new TreeSet<>()).add(400);
        }
        return codes;
    }

    void scanFile(String name, String source) {
        String code = withoutComments(source);
        Matcher site = API_SITE.matcher(code);
        while (site.find()) {
            Matcher api = API_EXCEPTION.matcher(code).region(site.start(), code.length());
            if (!api.lookingAt()) {
                unreadable.add(where(name, code, site.start()) + ": ApiException arguments not (status, code, ...)");
                continue;
            }
            String status = api.group(1);
            String codeArg = api.group(2);
            Matcher literal = LITERAL.matcher(codeArg);
            if (literal.matches()) {
                Set<Integer> statuses = apiCodes.computeIfAbsent(literal.group(1), c -> new TreeSet<>());
                if (STATUS.matcher(status).matches()) {
                    statuses.add(Integer.parseInt(status));
                }
            } else if (!(name.endsWith("ValidationErrors.java") && codeArg.equals("first.error()"))
                    // a clinic's accepting extension rejecting with its own code: documented as such, not one by one
                    && !(name.endsWith("extension/Extensions.java") && codeArg.equals("rejection.code()"))) {
                unreadable.add(where(name, code, api.start()) + ": ApiException code " + codeArg);
            }
        }
        for (Pattern handWritten : List.of(ERROR_PUT, ERROR_JSON)) {
            Matcher body = handWritten.matcher(code);
            while (body.find()) {
                if (CODE.matcher(body.group(1)).matches()) {
                    apiCodes.computeIfAbsent(body.group(1), c -> new TreeSet<>());
                } else {
                    unreadable.add(where(name, code, body.start()) + ": error body code \"" + body.group(1) + "\"");
                }
            }
        }
        Matcher job = JOB_REASON.matcher(code);
        while (job.find()) {
            String arg = job.group(1);
            Matcher literal = LITERAL.matcher(arg);
            String constant = constant(code, arg);
            if (literal.matches()) {
                reasonCodes.add(literal.group(1));
            } else if (constant != null) {
                addCode(constant, name, code, job.start());
            } else if (!(arg.equals("code") && code.contains("reasonCode()"))) {
                unreadable.add(where(name, code, job.start()) + ": job reason code " + arg);
            }
        }
        Matcher made = NEW_EXCEPTION.matcher(code);
        while (made.find()) {
            if (reasonCodeExceptions.contains(made.group(1))) {
                addCode(made.group(2), name, code, made.start());
            }
        }
        if (name.matches(".*/Emr\\w*Exception\\.java")) {
            addAll(EMR_SUPER.matcher(code), name, code);
        }
        addAll(REASON_FALLBACK.matcher(code), name, code);
    }

    /**
     * The literal a String constant argument stands for: NAME declared in this file, or Owner.NAME
     * declared in Owner.java of the scanned tree; null for anything else.
     */
    private String constant(String source, String arg) {
        Matcher qualified = Pattern.compile("(\\w+)\\.(\\w+)").matcher(arg);
        if (qualified.matches()) {
            return constants.get(qualified.group(1) + "." + qualified.group(2));
        }
        if (!arg.matches("\\w+")) {
            return null;
        }
        Matcher declared = Pattern.compile("\\bString\\s+" + Pattern.quote(arg) + "\\s*=\\s*\"([^\"]*)\"").matcher(source);
        return declared.find() ? declared.group(1) : null;
    }

    private void addAll(Matcher matcher, String name, String code) {
        while (matcher.find()) {
            addCode(matcher.group(1), name, code, matcher.start());
        }
    }

    private void addCode(String reason, String name, String code, int offset) {
        if (CODE.matcher(reason).matches()) {
            reasonCodes.add(reason);
        } else {
            unreadable.add(where(name, code, offset) + ": reason code \"" + reason + "\"");
        }
    }

    /** The codes bean validation can answer: {@link ValidationErrors} refuses any code not ranked there. */
    @SuppressWarnings("unchecked")
    static List<String> validationCodes() {
        try {
            Field order = ValidationErrors.class.getDeclaredField("CHECK_ORDER");
            order.setAccessible(true);
            return (List<String>) order.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ValidationErrors.CHECK_ORDER moved: teach EngineErrorCodes where the"
                    + " validation codes are now", e);
        }
    }

    private static String where(String name, String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return name + ":" + line;
    }

    /** Blanks comments (keeping line breaks), so javadoc that mentions a code is not a site. */
    static String withoutComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '"') {
                boolean textBlock = source.startsWith("\"\"\"", i);
                int end = textBlock ? source.indexOf("\"\"\"", i + 3) + 3 : stringEnd(source, i);
                end = end <= i ? source.length() : end;
                out.append(source, i, end);
                i = end;
            } else if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? source.length() : end;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? source.length() : end + 2;
                source.substring(i, end).chars().filter(ch -> ch == '\n').forEach(ch -> out.append('\n'));
                i = end;
            } else if (c == '\'') {
                int end = source.indexOf('\'', i + (source.charAt(i + 1) == '\\' ? 3 : 2)) + 1;
                out.append(source, i, end);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int stringEnd(String source, int start) {
        for (int i = start + 1; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"' || c == '\n') {
                return i + 1;
            }
        }
        return source.length();
    }
}
