package dev.ssb.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.fixtures.RandomCheckpoints;
import dev.ssb.worker.api.ToyData;
import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyDifficulty;
import dev.ssb.worker.toy.ToyProblem;
import dev.ssb.worker.toy.ToySolutions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole-pipeline test setting: a tiny random checkpoint with scripted generations ({@link
 * ScriptedRuntime}) and toy problems (of the embedded difficulty, as {@code ssb demo} writes them),
 * and the flags that keep every stage small and fast.
 */
final class TinyPipeline {

    private TinyPipeline() {}

    /** Writes the checkpoint under {@code dir}, scripted for the toy splits of {@code seed}. */
    static Path checkpoint(Path dir, long seed, int train, int test) {
        ToyDataset.Splits splits = ToyDataset.generate(seed, train, test, ToyDifficulty.embedded());
        List<ToyProblem> all = new ArrayList<>(splits.train());
        all.addAll(splits.test());
        ScriptedRuntime.script(dir, all);
        return RandomCheckpoints.toy(dir.resolve("tiny"), 16, 32, 1, 2, 7);
    }

    /**
     * Writes the checkpoint under {@code dir}, scripted for the problems {@code ssb demo} writes
     * with these arguments (the embedded model's own splits), and returns it.
     */
    static Path demoCheckpoint(Path dir, long sampleSeed, int train, int test, boolean dev)
            throws IOException {
        Path data = dir.resolve("demo-splits");
        ToyData.writeEmbeddedSplits(data, sampleSeed, train, test, dev);
        ObjectMapper json = new ObjectMapper();
        Map<String, Integer> gold = new LinkedHashMap<>();
        for (String file : List.of(ToyData.TRAIN_FILE, ToyData.TEST_FILE)) {
            for (String line : Files.readAllLines(data.resolve(file))) {
                JsonNode row = json.readTree(line);
                gold.put(
                        row.get("question").asText(),
                        ToySolutions.gsm8kAnswer(row.get("answer").asText()).orElseThrow());
            }
        }
        ScriptedRuntime.script(dir, gold);
        return RandomCheckpoints.toy(dir.resolve("tiny"), 16, 32, 1, 2, 7);
    }

    /**
     * Writes the toy splits of {@code seed} as {@code dir/train.jsonl} and {@code dir/test.jsonl}.
     */
    static void problems(Path dir, long seed, int train, int test) {
        ToyDataset.write(dir, seed, train, test, ToyDifficulty.embedded());
    }

    /**
     * {@code ssb run --out OUT --run-id R --model MODEL --problems PROBLEMS}, as a list to add
     * flags to.
     */
    static List<String> runArgs(Path out, String runId, String model, Path problems) {
        return new ArrayList<>(
                List.of(
                        "run",
                        "--out",
                        out.toString(),
                        "--run-id",
                        runId,
                        "--model",
                        model,
                        "--problems",
                        problems.toString()));
    }

    /** Small settings for every stage, as --set flags. */
    static List<String> flags() {
        List<String> flags = new ArrayList<>();
        for (String kv :
                List.of(
                        "rollout.samples=4",
                        "data.partitions=2",
                        "teacher.batch_size=4",
                        "logits.top_k=8",
                        "distill.lora.rank=4",
                        "distill.lora.alpha=8",
                        "distill.lr=1e-2",
                        "distill.batch_size=4",
                        "distill.epochs=2",
                        "distill.checkpoint_every=1",
                        "distill.log_every=1",
                        "eval.samples=1",
                        "eval.max_new_tokens=32")) {
            flags.add("--set");
            flags.add(kv);
        }
        return flags;
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
