package dev.ssb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The repository's own documentation: every relative link resolves, the README stays short. */
class DocLinksTest {

    /** The README is for users; depth goes to docs/. */
    private static final int README_MAX_LINES = 250;

    private static final Path REPO =
            Path.of(System.getProperty("ssb.repo.dir", "..")).toAbsolutePath().normalize();

    @Test
    void everyRelativeLinkOfEveryMarkdownFileResolvesInsideTheRepository() throws Exception {
        MarkdownLinks links = new MarkdownLinks(REPO);

        assertThat(links.markdownFiles())
                .contains(
                        REPO.resolve("README.md"),
                        REPO.resolve("docs/architecture.md"),
                        REPO.resolve("data/README.md"));
        assertThat(links.brokenInRepository()).isEmpty();
    }

    @Test
    void readmeHasAtMost250Lines() throws Exception {
        assertThat(Files.readAllLines(REPO.resolve("README.md")))
                .hasSizeLessThanOrEqualTo(README_MAX_LINES);
    }
}
