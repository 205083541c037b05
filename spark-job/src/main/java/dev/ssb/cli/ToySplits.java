package dev.ssb.cli;

import dev.ssb.spark.HadoopFiles;
import dev.ssb.table.RunLayout;
import dev.ssb.worker.api.ToyData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The toy problems {@code ssb demo} and {@code ssb compare} write into their run folder ({@code
 * toy-data/}). A run's stages are reused when complete, and ingest refuses its complete tables once
 * its input file changed ({@link dev.ssb.table.InputFiles}): so a file that already holds other
 * problems (another {@code --train}, {@code --test}, {@code --toy-seed} or split under the same
 * path) is refused here, before it is overwritten, unless every stage is redone ({@code --force});
 * a file with the same problems is left as it is.
 */
final class ToySplits {

    static final String DIR = "toy-data";

    /**
     * Where the problems went.
     *
     * @param train the training problems
     * @param eval the evaluation problems
     */
    record Written(Path train, Path eval) {}

    private ToySplits() {}

    /**
     * Writes the embedded model's splits for these arguments as {@code toy-data/train.jsonl} and
     * {@code toy-data/<evalFile>}.
     *
     * @throws IllegalArgumentException when one of them exists with other problems and {@code
     *     force} is false; nothing is changed then
     */
    static Written write(
            RunLayout layout,
            long seed,
            int train,
            int test,
            DemoCommand.EvalSplit split,
            String evalFile,
            boolean force) {
        Path data = DemoCommand.localPath(layout).resolve(DIR);
        Path fresh = null;
        try {
            Files.createDirectories(data);
            fresh = Files.createTempDirectory(data, ".new-");
            ToyData.writeEmbeddedSplits(
                    fresh, seed, train, test, split == DemoCommand.EvalSplit.dev);
            Path trainFile = data.resolve(ToyData.TRAIN_FILE);
            Path evalPath = data.resolve(evalFile);
            String args =
                    String.format(
                            "--train %d --test %d --toy-seed %d --eval-split %s",
                            train, test, seed, split);
            if (!force) {
                refuseChanged(layout, fresh.resolve(ToyData.TRAIN_FILE), trainFile, args);
                refuseChanged(layout, fresh.resolve(ToyData.TEST_FILE), evalPath, args);
            }
            replaceIfChanged(fresh.resolve(ToyData.TRAIN_FILE), trainFile);
            replaceIfChanged(fresh.resolve(ToyData.TEST_FILE), evalPath);
            return new Written(trainFile, evalPath);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write toy problems to " + data, e);
        } finally {
            if (fresh != null) {
                HadoopFiles.deleteLocal(fresh);
            }
        }
    }

    private static void refuseChanged(RunLayout layout, Path wanted, Path existing, String args)
            throws IOException {
        if (Files.exists(existing) && Files.mismatch(wanted, existing) != -1) {
            throw new IllegalArgumentException(
                    String.format(
                            "Cannot reuse run %s: its %s holds other toy problems than %s give,"
                                    + " and its complete stages would be reused for them (use"
                                    + " another --run-id, or --force to redo every stage)",
                            layout.runId(), existing, args));
        }
    }

    /**
     * Moves {@code wanted} over {@code existing} unless they hold the same bytes: an unchanged file
     * keeps its modification time, so the ingest that read it stays reusable ({@link
     * dev.ssb.table.InputFiles}).
     */
    private static void replaceIfChanged(Path wanted, Path existing) throws IOException {
        if (!Files.exists(existing) || Files.mismatch(wanted, existing) != -1) {
            Files.move(wanted, existing, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
