package dev.ssb.docs;

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
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * Finds the relative links of a repository's Markdown files that do not resolve: a target file or
 * folder that does not exist or lies outside the repository, or a {@code #anchor} that names no
 * heading of the target Markdown file (anchors as GitHub makes them from heading text). Links with
 * a scheme ({@code https:}, {@code mailto:}) are not followed; links inside code are not links.
 */
final class MarkdownLinks {

    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    /** Folders that hold build output or tool state, not documentation. */
    private static final Set<String> SKIPPED_FOLDERS = Set.of("target", "node_modules", "runs");

    private final Path repo;
    private final Parser parser =
            Parser.builder()
                    .extensions(List.of(TablesExtension.create()))
                    .includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES)
                    .build();
    private final Map<Path, Set<String>> anchors = new HashMap<>();

    MarkdownLinks(Path repo) {
        this.repo = repo.toAbsolutePath().normalize();
    }

    /** Every Markdown file of the repository, outside build output and hidden folders. */
    List<Path> markdownFiles() throws IOException {
        try (Stream<Path> files = Files.walk(repo)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".md"))
                    .filter(p -> !skipped(repo.relativize(p)))
                    .sorted()
                    .toList();
        }
    }

    private static boolean skipped(Path relative) {
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            String name = relative.getName(i).toString();
            if (name.startsWith(".") || SKIPPED_FOLDERS.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** The broken links of one Markdown file, each as {@code file:line: target (why)}. */
    List<String> broken(Path file) throws IOException {
        Path source = file.toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        Node document = parser.parse(Files.readString(source));
        document.accept(
                new AbstractVisitor() {
                    @Override
                    public void visit(Link link) {
                        check(source, link, link.getDestination(), problems);
                        visitChildren(link);
                    }

                    @Override
                    public void visit(Image image) {
                        check(source, image, image.getDestination(), problems);
                    }
                });
        return problems;
    }

    /** The broken links of every Markdown file of the repository. */
    List<String> brokenInRepository() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : markdownFiles()) {
            problems.addAll(broken(file));
        }
        return problems;
    }

    private void check(Path source, Node node, String destination, List<String> problems) {
        if (destination == null
                || SCHEME.matcher(destination).find()
                || destination.startsWith("//")) {
            return;
        }
        int hash = destination.indexOf('#');
        String pathPart = hash < 0 ? destination : destination.substring(0, hash);
        String anchor = hash < 0 ? "" : destination.substring(hash + 1);
        String where =
                repo.relativize(source)
                        + ":"
                        + (node.getSourceSpans().isEmpty()
                                ? "?"
                                : String.valueOf(node.getSourceSpans().get(0).getLineIndex() + 1))
                        + ": "
                        + destination;
        Path target;
        if (pathPart.isEmpty()) {
            target = source;
        } else {
            String decoded =
                    URLDecoder.decode(pathPart.replace("+", "%2B"), StandardCharsets.UTF_8);
            target = source.getParent().resolve(decoded).normalize();
            if (!target.startsWith(repo)) {
                problems.add(where + " (outside the repository)");
                return;
            }
            if (!Files.exists(target)) {
                problems.add(where + " (no such file or folder)");
                return;
            }
        }
        if (!anchor.isEmpty() && target.getFileName().toString().endsWith(".md")) {
            if (!anchorsOf(target).contains(anchor.toLowerCase(Locale.ROOT))) {
                problems.add(where + " (no heading with that anchor)");
            }
        }
    }

    private Set<String> anchorsOf(Path markdown) {
        return anchors.computeIfAbsent(
                markdown,
                file -> {
                    try {
                        return headingAnchors(parser.parse(Files.readString(file)));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(
                                "Cannot read Markdown file " + file, e);
                    }
                });
    }

    /** The anchors GitHub gives the headings of a document, duplicates numbered -1, -2, ... */
    static Set<String> headingAnchors(Node document) {
        Set<String> result = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        document.accept(
                new AbstractVisitor() {
                    @Override
                    public void visit(Heading heading) {
                        String slug = slug(text(heading));
                        int n = seen.merge(slug, 1, Integer::sum) - 1;
                        result.add(n == 0 ? slug : slug + "-" + n);
                    }
                });
        return result;
    }

    /** GitHub's heading slug: lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String headingText) {
        StringBuilder out = new StringBuilder();
        headingText
                .strip()
                .toLowerCase(Locale.ROOT)
                .codePoints()
                .forEach(
                        c -> {
                            if (c == ' ') {
                                out.append('-');
                            } else if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                                out.appendCodePoint(c);
                            }
                        });
        return out.toString();
    }

    private static String text(Node node) {
        StringBuilder out = new StringBuilder();
        node.accept(
                new AbstractVisitor() {
                    @Override
                    public void visit(Text text) {
                        out.append(text.getLiteral());
                    }

                    @Override
                    public void visit(Code code) {
                        out.append(code.getLiteral());
                    }
                });
        return out.toString();
    }
}
