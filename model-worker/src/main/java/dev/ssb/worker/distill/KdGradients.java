package dev.ssb.worker.distill;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LossConfig;
import dev.ssb.worker.model.LoraLayers;
import dev.ssb.worker.model.Transformer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LoRA gradients of the distillation loss for one shard of a batch: one forward pass over the
 * right-padded {@code [student prompt ‖ reply]} rows, {@link KdLoss} on the logits that predict the
 * reply tokens, one backward pass. Results are sums over reply tokens (see {@link GradientResult}),
 * so shards computed anywhere add up to the global batch exactly.
 */
public final class KdGradients {

    private static final Logger LOG = LoggerFactory.getLogger(KdGradients.class);

    private KdGradients() {}

    /**
     * Same as {@link #compute(Transformer, List, LossConfig, int)} over the model's whole
     * embedding: only right when the tokenizer's vocabulary fills all embedding rows.
     */
    public static GradientResult compute(
            Transformer model, List<KdExample> batch, LossConfig loss) {
        return compute(model, batch, loss, model.config().vocabSize());
    }

    /**
     * Computes the gradient sums of {@code loss} with respect to the LoRA A and B matrices of
     * {@code model}. Neither the adapter nor the base weights change.
     *
     * @param validVocab the tokenizer's vocabulary size; logit rows at or beyond it are excluded
     *     from the student's softmax, as the teacher-logits stage excluded them
     * @throws IllegalStateException when the model has no LoRA layers
     * @throws IllegalArgumentException on an inconsistent batch (see {@link KdBatch#of})
     */
    public static GradientResult compute(
            Transformer model, List<KdExample> batch, LossConfig loss, int validVocab) {
        return compute(model, batch, loss, validVocab, HeadChunks.rowsFor(validVocab));
    }

    /**
     * {@link #compute(Transformer, List, LossConfig, int)} with the student's logits, loss and
     * their gradients built {@code chunkRows} reply positions at a time (see {@link HeadChunks}).
     */
    static GradientResult compute(
            Transformer model,
            List<KdExample> batch,
            LossConfig loss,
            int validVocab,
            int chunkRows) {
        requireNonNull(model, "model is null");
        requireNonNull(batch, "batch is null");
        requireNonNull(loss, "loss is null");
        LoraLayers lora = model.lora();
        if (lora == null) {
            throw new IllegalStateException("Cannot compute gradients: the model has no LoRA");
        }
        Map<String, NDArray> params = lora.parameters();
        long start = System.nanoTime();
        try (NDManager sub = model.manager().newSubManager()) {
            KdBatch b = KdBatch.of(batch, loss.temperature(), validVocab, sub);
            double[] sums =
                    Autograd.collect(
                            params.values(),
                            collector ->
                                    HeadChunks.backward(
                                            collector,
                                            replyHidden(model, b.packed()),
                                            chunkRows,
                                            (rows, from, to) ->
                                                    chunkTerms(
                                                            model,
                                                            b,
                                                            loss,
                                                            validVocab,
                                                            rows,
                                                            from,
                                                            to)));
            Map<String, HostTensor> grads = new TreeMap<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                grads.put(e.getKey(), takeGradient(e.getValue()));
            }
            GradientResult result =
                    new GradientResult(
                            grads, (float) sums[1], (float) sums[2], b.tokens(), batch.size());
            LOG.debug(
                    "KD gradients of {} examples, {} tokens in {} ms",
                    batch.size(),
                    b.tokens(),
                    (System.nanoTime() - start) / 1_000_000);
            return result;
        }
    }

    /**
     * The loss of {@code batch} without gradients, computed in float64 from the float32 logits, a
     * chunk of reply positions at a time.
     *
     * @return {@code {kdSum, ceSum}}, sums over reply tokens
     */
    static double[] lossSums(
            Transformer model, List<KdExample> batch, LossConfig loss, int validVocab) {
        try (NDManager sub = model.manager().newSubManager()) {
            KdBatch b = KdBatch.of(batch, loss.temperature(), validVocab, sub);
            double[] sums =
                    HeadChunks.forward(
                            replyHidden(model, b.packed()),
                            HeadChunks.rowsFor(validVocab),
                            (rows, from, to) -> {
                                NDArray logits =
                                        model.logits(rows, validVocab)
                                                .toType(DataType.FLOAT64, false);
                                KdLoss.Terms t =
                                        KdLoss.compute(
                                                logits, b.rows(rows.getManager(), from, to), loss);
                                return new NDArray[] {t.kdSum(), t.ceSum()};
                            });
            return sums;
        }
    }

    /** {@code {total, kdSum, ceSum}} of reply positions {@code [from, to)} of {@code b}. */
    private static NDArray[] chunkTerms(
            Transformer model,
            KdBatch b,
            LossConfig loss,
            int validVocab,
            NDArray rows,
            int from,
            int to) {
        KdLoss.Terms t =
                KdLoss.compute(
                        model.logits(rows, validVocab), b.rows(rows.getManager(), from, to), loss);
        return new NDArray[] {t.total(), t.kdSum(), t.ceSum()};
    }

    /** {@code [n, hidden]} final hidden states at the positions predicting each reply token. */
    static NDArray replyHidden(Transformer model, PackedBatch b) {
        NDArray hidden = model.hidden(b.inputIds(), b.attentionMask()); // [batch, seq, hidden]
        long width = hidden.getShape().get(2);
        return hidden.reshape(-1, width).get(new NDIndex("{}", b.positions()));
    }

    /** {@code [n, validVocab]} logits at the positions predicting each reply token. */
    static NDArray studentLogits(Transformer model, PackedBatch b, int validVocab) {
        return model.logits(replyHidden(model, b), validVocab);
    }

    /** Copies the gradient of {@code p} to JVM memory as float32 and zeroes it on the device. */
    static HostTensor takeGradient(NDArray p) {
        try (NDArray g = p.getGradient()) {
            float[] data;
            if (g.getDataType() == DataType.FLOAT32) {
                data = g.toFloatArray();
            } else {
                try (NDArray wide = g.toType(DataType.FLOAT32, true)) {
                    data = wide.toFloatArray();
                }
            }
            Autograd.zeroGradient(p);
            return new HostTensor(p.getShape().getShape(), data);
        }
    }
}
