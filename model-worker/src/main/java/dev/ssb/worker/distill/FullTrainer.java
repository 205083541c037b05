package dev.ssb.worker.distill;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.ssb.worker.api.AdamWConfig;
import dev.ssb.worker.model.Scalars;
import dev.ssb.worker.model.Transformer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full-parameter training of a (small) base model: mean cross-entropy over the assistant tokens of
 * a batch, gradients for every base weight, and an AdamW update on the device.
 *
 * <p>The model's weights are updated in place, so they must be writable memory: a model created
 * from in-memory tensors (a freshly initialised toy model), never one whose weights are a read-only
 * memory-mapped checkpoint. Its LoRA, if any, is ignored by the update but applied in the forward
 * pass: remove it first. Not thread-safe.
 */
public final class FullTrainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FullTrainer.class);

    private final Transformer model;
    private final DeviceAdamW optimizer;
    private final Map<String, NDArray> params;
    private final int vocab;

    /**
     * One training step's numbers.
     *
     * @param loss mean cross-entropy over the batch's reply tokens, before the update
     * @param gradNorm global gradient norm before clipping
     * @param lr learning rate of the update
     * @param tokens reply tokens in the batch
     */
    public record Stats(double loss, double gradNorm, double lr, long tokens) {}

    /** A trainer whose softmax spans all embedding rows. */
    public FullTrainer(Transformer model, AdamWConfig config) {
        this(model, config, model.config().vocabSize());
    }

    /**
     * @param validVocab the tokenizer's vocabulary size: logit rows at or beyond it are left out of
     *     the softmax
     */
    public FullTrainer(Transformer model, AdamWConfig config, int validVocab) {
        this.model = requireNonNull(model, "model is null");
        if (validVocab <= 0 || validVocab > model.config().vocabSize()) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid validVocab: %s (must be in [1, %s])",
                            validVocab, model.config().vocabSize()));
        }
        this.vocab = validVocab;
        this.optimizer = new DeviceAdamW(requireNonNull(config, "config is null"), model.manager());
        // every weight its own leaf: fused q/k/v and gate/up views would get no gradient
        model.separateProjections();
        this.params = new LinkedHashMap<>(model.parameters());
    }

    /** Updates taken so far. */
    public long stepCount() {
        return optimizer.stepCount();
    }

    /** One forward/backward over {@code batch} and one AdamW update of all base weights. */
    public Stats step(List<SftExample> batch) {
        requireNonNull(batch, "batch is null");
        long start = System.nanoTime();
        try (NDManager sub = model.manager().newSubManager()) {
            PackedBatch b = pack(batch, sub);
            double loss =
                    Autograd.collect(
                            params.values(),
                            collector ->
                                    HeadChunks.backward(
                                            collector,
                                            KdGradients.replyHidden(model, b),
                                            HeadChunks.rowsFor(vocab),
                                            (rows, from, to) ->
                                                    meanCrossEntropy(b, rows, from, to)))[0];
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(sub);
                grads.put(e.getKey(), g);
            }
            double norm = optimizer.step(params, grads);
            Stats stats = new Stats((float) loss, norm, optimizer.lastLr(), b.tokens());
            LOG.debug(
                    "Step {}: loss {} grad norm {} lr {} ({} tokens, {} ms)",
                    optimizer.stepCount(),
                    stats.loss(),
                    norm,
                    stats.lr(),
                    b.tokens(),
                    (System.nanoTime() - start) / 1_000_000);
            return stats;
        }
    }

    /** Mean cross-entropy over the reply tokens of {@code batch}, without gradients. */
    public double loss(List<SftExample> batch) {
        requireNonNull(batch, "batch is null");
        try (NDManager sub = model.manager().newSubManager()) {
            PackedBatch b = pack(batch, sub);
            return HeadChunks.forward(
                    KdGradients.replyHidden(model, b),
                    HeadChunks.rowsFor(vocab),
                    (rows, from, to) -> meanCrossEntropy(b, rows, from, to))[0];
        }
    }

    /** This chunk's share of the batch's mean cross-entropy: its sum / all reply tokens. */
    private NDArray[] meanCrossEntropy(PackedBatch b, NDArray rows, int from, int to) {
        NDArray targets = b.targets().get(rows.getManager(), new NDIndex("{}:{}", from, to));
        NDArray logits = model.logits(rows, vocab);
        return new NDArray[] {Scalars.div(KdLoss.crossEntropySum(logits, targets), b.tokens())};
    }

    private PackedBatch pack(List<SftExample> batch, NDManager manager) {
        return PackedBatch.of(
                batch.stream().map(SftExample::promptIds).toList(),
                batch.stream().map(SftExample::replyIds).toList(),
                vocab,
                manager);
    }

    /** Releases the optimizer's moments; the model stays open. */
    @Override
    public void close() {
        optimizer.close();
    }
}
