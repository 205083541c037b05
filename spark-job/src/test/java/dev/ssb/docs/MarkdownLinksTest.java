package dev.ssb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownLinksTest {

    @TempDir Path tmp;

    @Test
    void reportsEachKindOfBrokenLinkAndNothingElse() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(tmp.resolve("outside.md"), "# Outside\n");
        Files.createDirectories(repo.resolve("docs"));
        Files.writeString(
                repo.resolve("docs/guide.md"),
                String.join(
                        "\n",
                        "# Guide",
                        "## The model (`embedded:toy`)",
                        "## Setup",
                        "## Setup",
                        "Back to the [readme](../README.md#start) and [this](#setup-1).",
                        ""));
        Files.writeString(
                repo.resolve("README.md"),
                String.join(
                        "\n",
                        "# Title",
                        "## Start",
                        "[guide](docs/guide.md), [folder](docs/), [anchor](docs/guide.md#setup),",
                        "[code anchor](docs/guide.md#the-model-embeddedtoy),"
                                + " [web](https://example.org/x.md), [mail](mailto:a@b.c),",
                        "[missing file](docs/missing.md)",
                        "[missing anchor](docs/guide.md#nowhere)",
                        "[escapes](../outside.md)",
                        "| table | cell |",
                        "|---|---|",
                        "| a | [in a table](docs/gone.md) |",
                        "",
                        "`[not a link](nowhere.md)`",
                        "",
                        "```",
                        "[not a link either](nowhere.md)",
                        "```",
                        "![image](docs/missing.png)",
                        ""));

        MarkdownLinks links = new MarkdownLinks(repo);

        assertThat(links.markdownFiles())
                .containsExactly(repo.resolve("README.md"), repo.resolve("docs/guide.md"));
        assertThat(links.brokenInRepository())
                .containsExactly(
                        "README.md:5: docs/missing.md (no such file or folder)",
                        "README.md:6: docs/guide.md#nowhere (no heading with that anchor)",
                        "README.md:7: ../outside.md (outside the repository)",
                        "README.md:10: docs/gone.md (no such file or folder)",
                        "README.md:17: docs/missing.png (no such file or folder)");
    }

    @Test
    void skipsBuildOutputAndHiddenFolders() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.createDirectories(repo.resolve("spark-job/target"));
        Files.createDirectories(repo.resolve(".git"));
        Files.writeString(repo.resolve("spark-job/target/x.md"), "[x](gone.md)\n");
        Files.writeString(repo.resolve(".git/y.md"), "[y](gone.md)\n");
        Files.writeString(repo.resolve("a.md"), "[z](gone.md)\n");

        assertThat(new MarkdownLinks(repo).brokenInRepository())
                .containsExactly("a.md:1: gone.md (no such file or folder)");
    }

    @Test
    void slugsLikeGitHub() {
        assertThat(MarkdownLinks.slug("The embedded toy model (`embedded:toy`)"))
                .isEqualTo("the-embedded-toy-model-embeddedtoy");
        assertThat(MarkdownLinks.slug("End to end: ssb run and ssb demo"))
                .isEqualTo("end-to-end-ssb-run-and-ssb-demo");
        assertThat(MarkdownLinks.slug("Cluster, Airflow and Spark SQL"))
                .isEqualTo("cluster-airflow-and-spark-sql");
        assertThat(MarkdownLinks.slug("ssb — Semantic Soft Bootstrapping"))
                .isEqualTo("ssb--semantic-soft-bootstrapping");
    }
}
