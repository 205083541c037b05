package dev.ssb.worker.toy.train;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.worker.api.AdamWConfig;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LrSchedule;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.distill.FullTrainer;
import dev.ssb.worker.distill.SftExample;
import dev.ssb.worker.io.CheckpointWriter;
import dev.ssb.worker.io.Dtype;
import dev.ssb.worker.io.TensorSources;
import dev.ssb.worker.model.Transformer;
import dev.ssb.worker.text.TextBundle;
import dev.ssb.worker.text.Texts;
import dev.ssb.worker.toy.Prompts;
import dev.ssb.worker.toy.ToyTokenizerFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the toy base model from scratch (full-parameter cross-entropy on the assistant tokens of
 * student and hinted-teacher conversations, AdamW with warmup and cosine decay) and writes it as a
 * Hugging Face checkpoint directory with the toy tokenizer and chat template.
 */
public final class ToyModelTrainer {

    /** Provenance file written next to the checkpoint: the config, seed, loss and wall time. */
    public static final String TRAINING_FILE = "ssb_training.json";

    /** Rotary base of the toy model. */
    static final double ROPE_THETA = 10_000.0;

    /** Longest sequence the toy model supports (its conversations stay under ~1,000 tokens). */
    static final int MAX_POSITIONS = 2048;

    private static final int LOG_EVERY = 10;
    private static final int MAX_SKIPPED_IN_A_ROW = 5;
    private static final Logger LOG = LoggerFactory.getLogger(ToyModelTrainer.class);

    /**
     * What a training run produced.
     *
     * @param directory the checkpoint directory
     * @param finalLoss mean training loss over the last {@value #LOG_EVERY} steps
     * @param wallMillis wall time of the run
     */
    public record Result(Path directory, double finalLoss, long wallMillis) {}

    private ToyModelTrainer() {}

    /** The architecture a training config describes; eos is the tokenizer's end of turn. */
    static ModelConfig modelConfig(ToyTrainingConfig c, int endOfTurn) {
        return new ModelConfig(
                "qwen2",
                c.hiddenSize(),
                c.intermediateSize(),
                c.numLayers(),
                c.numHeads(),
                c.numKvHeads(),
                c.hiddenSize() / c.numHeads(),
                ROPE_THETA,
                1e-6,
                c.vocabSize(),
                true,
                true,
                MAX_POSITIONS,
                -1,
                List.of(endOfTurn));
    }

    /** Trains with {@code config} and writes the checkpoint into {@code out} (created). */
    public static Result train(ToyTrainingConfig config, Prompts prompts, Path out) {
        return train(config, prompts, out, 0);
    }

    /**
     * As {@link #train(ToyTrainingConfig, Prompts, Path)}, also writing a snapshot every {@code
     * snapshotEvery} steps (0 = never) to the sibling folder {@code <out>-step<N>}: a run stopped
     * early still leaves a usable model (whose learning rate had not finished decaying).
     */
    public static Result train(
            ToyTrainingConfig config, Prompts prompts, Path out, int snapshotEvery) {
        requireNonNull(config, "config is null");
        requireNonNull(prompts, "prompts is null");
        requireNonNull(out, "out is null");
        long start = System.nanoTime();
        Path tokenizerDir = tempDir();
        ToyTokenizerFiles.write(tokenizerDir);
        try (TextBundle texts = Texts.load(tokenizerDir)) {
            int endOfTurn = texts.tokenizer().tokenId(ToyTokenizerFiles.IM_END).orElseThrow();
            ModelConfig modelConfig = modelConfig(config, endOfTurn);
            ToyTrainingData data =
                    new ToyTrainingData(config, prompts, texts.tokenizer(), texts.chatTemplate());
            LOG.info(
                    "Training toy model: {} parameters, {} train problems, {} steps of {}"
                            + " conversations ({}% teacher, {}% of those shown no wrong attempt, {}% of"
                            + " students flawed), seed {}",
                    modelConfig.parameterCount(),
                    data.train().size(),
                    config.steps(),
                    config.batchSize(),
                    Math.round(100 * config.teacherFraction()),
                    Math.round(100 * config.nohintFraction()),
                    Math.round(100 * config.flawedFraction()),
                    config.seed());
            AdamWConfig adam =
                    new AdamWConfig(
                            config.lr(),
                            0.9,
                            0.95,
                            1e-8,
                            0.01,
                            1.0,
                            config.warmupSteps(),
                            config.steps(),
                            LrSchedule.COSINE);
            double finalLoss;
            try (Transformer model =
                            Transformer.create(
                                    modelConfig,
                                    TensorSources.of(
                                            ToyWeights.initial(modelConfig, config.seed())),
                                    ai.djl.Device.cpu(),
                                    DataType.FLOAT32,
                                    true);
                    FullTrainer trainer = new FullTrainer(model, adam)) {
                finalLoss =
                        loop(
                                config,
                                data,
                                trainer,
                                snapshotEvery,
                                step ->
                                        write(
                                                out.resolveSibling(
                                                        out.getFileName() + "-step" + step),
                                                modelConfig,
                                                model,
                                                tokenizerDir));
                write(out, modelConfig, model, tokenizerDir);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            writeProvenance(out, config, finalLoss, millis);
            LOG.info("Trained toy model in {} s, final loss {}: {}", millis / 1000, finalLoss, out);
            return new Result(out, finalLoss, millis);
        } finally {
            deleteQuietly(tokenizerDir);
        }
    }

    private static void write(Path dir, ModelConfig config, Transformer model, Path tokenizerDir) {
        CheckpointWriter.write(
                dir,
                config,
                TensorSources.of(hostWeights(model)),
                CheckpointWriter.Options.of(Dtype.F32, tokenizerDir));
    }

    private static double loop(
            ToyTrainingConfig config,
            ToyTrainingData data,
            FullTrainer trainer,
            int snapshotEvery,
            java.util.function.IntConsumer snapshot) {
        SplittableRandom random = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
        double windowLoss = 0;
        double lastWindow = Double.NaN;
        long windowTokens = 0;
        int windowSteps = 0;
        long windowStart = System.nanoTime();
        int skippedInARow = 0;
        int skipped = 0;
        for (int step = 0; step < config.steps(); step++) {
            // one kind per batch: teacher conversations are twice as long, mixing pads students
            boolean teacher = random.nextDouble() < config.teacherFraction();
            List<SftExample> batch = new ArrayList<>(config.batchSize());
            for (int i = 0; i < config.batchSize(); i++) {
                batch.add(data.sample(random, teacher));
            }
            FullTrainer.Stats stats;
            try {
                stats = trainer.step(batch);
                skippedInARow = 0;
            } catch (IllegalArgumentException e) {
                // a rare batch whose gradient overflows: drop it (the update is not applied)
                if (++skippedInARow > MAX_SKIPPED_IN_A_ROW) {
                    throw new IllegalStateException(
                            "Cannot train toy model: " + skippedInARow + " bad batches in a row",
                            e);
                }
                skipped++;
                LOG.warn("Skipping batch at step {}: {}", step + 1, e.getMessage());
                continue;
            }
            if (!Double.isFinite(stats.loss())) {
                throw new IllegalStateException(
                        "Cannot train toy model: loss is " + stats.loss() + " at step " + step);
            }
            windowLoss += stats.loss();
            windowTokens += stats.tokens();
            windowSteps++;
            if (windowSteps == LOG_EVERY || step == config.steps() - 1) {
                double seconds = (System.nanoTime() - windowStart) / 1e9;
                lastWindow = windowLoss / windowSteps;
                LOG.info(
                        "step {}/{} loss {} lr {} grad norm {} ({} s/step, {} reply tokens/s)",
                        step + 1,
                        config.steps(),
                        String.format("%.4f", lastWindow),
                        String.format("%.2e", stats.lr()),
                        String.format("%.2f", stats.gradNorm()),
                        String.format("%.2f", seconds / windowSteps),
                        Math.round(windowTokens / seconds));
                windowLoss = 0;
                windowTokens = 0;
                windowSteps = 0;
                windowStart = System.nanoTime();
            }
            if (snapshotEvery > 0 && (step + 1) % snapshotEvery == 0 && step + 1 < config.steps()) {
                snapshot.accept(step + 1);
            }
        }
        if (skipped > 0) {
            LOG.warn("Skipped {} of {} batches whose gradient overflowed", skipped, config.steps());
        }
        return lastWindow;
    }

    private static Map<String, HostTensor> hostWeights(Transformer model) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            NDArray a = e.getValue();
            out.put(e.getKey(), new HostTensor(a.getShape().getShape(), a.toFloatArray()));
        }
        return out;
    }

    private static void writeProvenance(
            Path out, ToyTrainingConfig config, double finalLoss, long millis) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.set("config", json.valueToTree(config));
        root.put("final_loss", finalLoss);
        root.put("wall_seconds", millis / 1000);
        root.put("torch_threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        try {
            Files.writeString(
                    out.resolve(TRAINING_FILE),
                    json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + out.resolve(TRAINING_FILE), e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("ssb-toy-tokenizer-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", dir, e.toString());
        }
    }
}
