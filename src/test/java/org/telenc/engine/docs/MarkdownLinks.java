package org.telenc.engine.docs;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;

/**
 * Checks the links of the repository's Markdown (README.md and docs/): every relative link names a
 * file or folder inside the repository, every {@code #anchor} names a heading of its target as
 * GitHub renders it, and no text mentions the working notes outside the repository.
 */
final class MarkdownLinks {

    /** What a clone does not have: the notes the repository was written from. */
    static final String OUTSIDE_NOTES = "../shared";

    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    private static final Parser PARSER = Parser.builder().build();

    private final Path root;
    private final Map<Path, Set<String>> anchorsByFile = new HashMap<>();

    MarkdownLinks(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * The Markdown files a reader of the repository meets: README.md, everything under docs/ and
     * every other {@code .md} of the tree (k8s/README.md, ...), build output and VCS data left out.
     */
    static List<Path> documents(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> walk = Files.walk(docs)) {
                walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
            }
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p))
                    .filter(p -> !files.contains(p))
                    .filter(p -> !startsWithAny(root.relativize(p), List.of("target", ".git", "node_modules", "docs")))
                    .sorted().forEach(files::add);
        }
        return files;
    }

    private static boolean startsWithAny(Path relative, List<String> folders) {
        return relative.getNameCount() > 1 && folders.contains(relative.getName(0).toString());
    }

    /** Every problem of one file, each naming the file and the link; empty when all is well. */
    List<String> problems(Path file) throws IOException {
        List<String> problems = new ArrayList<>();
        String name = root.relativize(file.toAbsolutePath().normalize()).toString();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.contains(OUTSIDE_NOTES)) {
            problems.add(name + ": mentions " + OUTSIDE_NOTES + ", which a clone of the repository does not have");
        }
        for (String destination : destinations(PARSER.parse(text))) {
            String problem = check(file.toAbsolutePath().normalize(), destination);
            if (problem != null) {
                problems.add(name + ": link (" + destination + ") " + problem);
            }
        }
        return problems;
    }

    private String check(Path from, String destination) throws IOException {
        if (SCHEME.matcher(destination).find() || destination.startsWith("//")) {
            return null; // absolute URL: not a file of the repository
        }
        int hash = destination.indexOf('#');
        String pathPart = hash < 0 ? destination : destination.substring(0, hash);
        String anchor = hash < 0 ? null : destination.substring(hash + 1);
        int query = pathPart.indexOf('?');
        if (query >= 0) {
            pathPart = pathPart.substring(0, query);
        }
        pathPart = URLDecoder.decode(pathPart.replace("+", "%2B"), StandardCharsets.UTF_8);
        Path target = pathPart.isEmpty() ? from
                : pathPart.startsWith("/") ? root.resolve(pathPart.substring(1)).normalize()
                : from.getParent().resolve(pathPart).normalize();
        if (!target.startsWith(root)) {
            return "points outside the repository";
        }
        if (!Files.exists(target)) {
            return "names " + root.relativize(target) + ", which does not exist";
        }
        if (anchor == null || anchor.isEmpty()) {
            return null;
        }
        if (!target.toString().endsWith(".md") || Files.isDirectory(target)) {
            return "has an anchor into a file that is not Markdown";
        }
        String wanted = URLDecoder.decode(anchor.replace("+", "%2B"), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        if (!anchors(target).contains(wanted)) {
            return "names the heading #" + anchor + ", which " + root.relativize(target) + " does not have";
        }
        return null;
    }

    /** The anchors GitHub gives the headings of a Markdown file. */
    Set<String> anchors(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        Set<String> known = anchorsByFile.get(key);
        if (known == null) {
            known = anchorsOf(Files.readString(key, StandardCharsets.UTF_8));
            anchorsByFile.put(key, known);
        }
        return known;
    }

    static Set<String> anchorsOf(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        PARSER.parse(markdown).accept(new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
                String slug = slug(textOf(heading));
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        });
        return anchors;
    }

    /**
     * GitHub's heading anchor: lower case, every character that is not a letter, digit, space,
     * hyphen or underscore dropped, then each space a hyphen.
     */
    static String slug(String headingText) {
        StringBuilder slug = new StringBuilder();
        headingText.strip().toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }

    private static String textOf(Node node) {
        StringBuilder text = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text t) {
                text.append(t.getLiteral());
            }

            @Override
            public void visit(Code code) {
                text.append(code.getLiteral());
            }
        });
        return text.toString();
    }

    private static List<String> destinations(Node document) {
        List<String> destinations = new ArrayList<>();
        document.accept(new AbstractVisitor() {
            @Override
            public void visit(Link link) {
                destinations.add(link.getDestination());
                visitChildren(link);
            }

            @Override
            public void visit(Image image) {
                destinations.add(image.getDestination());
                visitChildren(image);
            }
        });
        return destinations;
    }
}
