package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.table.RunLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToySplitsTest {

    @TempDir Path tmp;

    private RunLayout run() {
        return new RunLayout(tmp.toString(), "r");
    }

    @Test
    void theSameArgumentsWriteTheSameFilesAgain() throws Exception {
        ToySplits.Written first =
                ToySplits.write(run(), 7, 20, 10, DemoCommand.EvalSplit.dev, "dev.jsonl", false);
        byte[] train = Files.readAllBytes(first.train());
        var written = java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(first.train(), written);
        ToySplits.Written again =
                ToySplits.write(run(), 7, 20, 10, DemoCommand.EvalSplit.dev, "dev.jsonl", false);
        assertThat(again).isEqualTo(first);
        assertThat(Files.readAllBytes(again.train())).isEqualTo(train);
        assertThat(Files.getLastModifiedTime(again.train()))
                .as("an unchanged file is not rewritten, so its ingest stays reusable")
                .isEqualTo(written);
        assertThat(Files.readAllLines(first.eval())).hasSize(10);
        assertThat(first.train()).isEqualTo(tmp.resolve("r/toy-data/train.jsonl"));
        try (var files = Files.list(tmp.resolve("r/toy-data"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary folder left")
                    .containsExactlyInAnyOrder("train.jsonl", "dev.jsonl");
        }
    }

    @Test
    void otherProblemsUnderAnExistingFileAreRefusedUnlessForced() throws Exception {
        ToySplits.Written first =
                ToySplits.write(run(), 7, 20, 10, DemoCommand.EvalSplit.dev, "test.jsonl", false);
        byte[] eval = Files.readAllBytes(first.eval());
        byte[] train = Files.readAllBytes(first.train());

        assertThatThrownBy(
                        () ->
                                ToySplits.write(
                                        run(),
                                        7,
                                        20,
                                        10,
                                        DemoCommand.EvalSplit.heldout,
                                        "test.jsonl",
                                        false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot reuse run r: its " + first.eval())
                .hasMessageContaining("--train 20 --test 10 --toy-seed 7 --eval-split heldout")
                .hasMessageContaining("another --run-id, or --force");
        assertThatThrownBy(
                        () ->
                                ToySplits.write(
                                        run(),
                                        7,
                                        21,
                                        10,
                                        DemoCommand.EvalSplit.dev,
                                        "test.jsonl",
                                        false))
                .hasMessageContaining("its " + first.train());
        assertThat(Files.readAllBytes(first.eval())).as("left as it was").isEqualTo(eval);
        assertThat(Files.readAllBytes(first.train())).isEqualTo(train);

        ToySplits.write(run(), 7, 21, 10, DemoCommand.EvalSplit.heldout, "test.jsonl", true);
        assertThat(Files.readAllLines(first.train())).hasSize(21);
        assertThat(Files.readAllBytes(first.eval())).isNotEqualTo(eval);
    }

    @Test
    void eachSplitHasItsOwnFileBesideTheSameTrainingProblems() throws Exception {
        ToySplits.Written dev =
                ToySplits.write(run(), 7, 20, 10, DemoCommand.EvalSplit.dev, "dev.jsonl", false);
        ToySplits.Written heldout =
                ToySplits.write(
                        run(), 7, 20, 30, DemoCommand.EvalSplit.heldout, "heldout.jsonl", false);
        assertThat(heldout.train()).isEqualTo(dev.train());
        assertThat(Files.readAllLines(dev.eval())).hasSize(10);
        assertThat(Files.readAllLines(heldout.eval())).hasSize(30);
        assertThat(Files.readAllLines(heldout.eval()))
                .doesNotContainAnyElementsOf(Files.readAllLines(dev.eval()));
    }
}
