package dev.ssb.worker.distill;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.PolicyExample;
import dev.ssb.worker.api.PolicyGradientResult;
import dev.ssb.worker.api.PolicyLoss;
import dev.ssb.worker.model.LoraLayers;
import dev.ssb.worker.model.Scalars;
import dev.ssb.worker.model.Transformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * LoRA gradients of the GRPO policy loss ({@link PolicyLoss}) for one shard of a batch: one forward
 * pass over the right-padded {@code [prompt ‖ reply]} rows, the token-level clipped surrogate (plus
 * β·KL to the reference) on the log-probabilities of the sampled tokens, one backward pass, the LM
 * head a chunk of rows at a time ({@link HeadChunks}). Results are sums over reply tokens, so
 * shards add up to the global batch exactly.
 */
public final class PolicyGradients {

    /** Index of each summed scalar in what the chunk loss returns. */
    private static final int TOTAL = 0;

    private PolicyGradients() {}

    /**
     * Gradient sums of the policy loss of {@code batch} with respect to the LoRA A and B matrices
     * of {@code model}; neither the adapter nor the base weights change.
     *
     * @param validVocab the tokenizer's vocabulary size; logit columns at or beyond it are excluded
     * @throws IllegalStateException when the model has no LoRA layers
     * @throws IllegalArgumentException on an inconsistent batch, or β > 0 and an example without
     *     reference log-probs
     */
    public static PolicyGradientResult compute(
            Transformer model, List<PolicyExample> batch, PolicyLoss loss, int validVocab) {
        return compute(model, batch, loss, validVocab, HeadChunks.rowsFor(validVocab));
    }

    static PolicyGradientResult compute(
            Transformer model,
            List<PolicyExample> batch,
            PolicyLoss loss,
            int validVocab,
            int chunkRows) {
        requireNonNull(model, "model is null");
        requireNonNull(loss, "loss is null");
        LoraLayers lora = model.lora();
        if (lora == null) {
            throw new IllegalStateException("Cannot compute gradients: the model has no LoRA");
        }
        Tokens tokens = Tokens.of(batch, loss);
        Map<String, NDArray> params = lora.parameters();
        try (NDManager sub = model.manager().newSubManager()) {
            PackedBatch packed = tokens.pack(validVocab, sub);
            Tokens.Values arrays = tokens.arrays(sub);
            float[] logProbs = new float[tokens.count()];
            double[] sums =
                    Autograd.collect(
                            params.values(),
                            collector ->
                                    HeadChunks.backward(
                                            collector,
                                            KdGradients.replyHidden(model, packed),
                                            chunkRows,
                                            (rows, from, to) ->
                                                    terms(
                                                            model.logits(rows, validVocab),
                                                            packed,
                                                            arrays,
                                                            loss,
                                                            from,
                                                            to,
                                                            logProbs)));
            Map<String, HostTensor> grads = new TreeMap<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                grads.put(e.getKey(), KdGradients.takeGradient(e.getValue()));
            }
            tokens.checkFinite(logProbs, sums);
            return new PolicyGradientResult(
                    new GradientResult(grads, sums[TOTAL], 0, tokens.count(), batch.size()),
                    sums[1],
                    sums[2],
                    sums[3],
                    Math.round(sums[4]),
                    tokens.split(logProbs));
        }
    }

    /**
     * The loss of {@code batch} without gradients, in float64 from the float32 logits.
     *
     * @return {@code {total, surrogate, kl, entropy, clippedTokens}}, sums over reply tokens
     */
    static double[] lossSums(
            Transformer model, List<PolicyExample> batch, PolicyLoss loss, int validVocab) {
        Tokens tokens = Tokens.of(batch, loss);
        try (NDManager sub = model.manager().newSubManager()) {
            PackedBatch packed = tokens.pack(validVocab, sub);
            Tokens.Values arrays = tokens.arrays(sub);
            float[] ignored = new float[tokens.count()];
            return HeadChunks.forward(
                    KdGradients.replyHidden(model, packed),
                    HeadChunks.rowsFor(validVocab),
                    (rows, from, to) ->
                            terms(
                                    model.logits(rows, validVocab).toType(DataType.FLOAT64, false),
                                    packed,
                                    arrays,
                                    loss,
                                    from,
                                    to,
                                    ignored));
        }
    }

    /**
     * Per pair, {@code log p(reply[i] | prompt, reply[<i])} under the model as it is (adapter
     * included), without gradients.
     */
    public static List<float[]> replyLogProbs(
            Transformer model, List<int[]> prompts, List<int[]> replies, int validVocab) {
        try (NDManager sub = model.manager().newSubManager()) {
            PackedBatch packed = PackedBatch.of(prompts, replies, validVocab, sub);
            float[] out = new float[Math.toIntExact(packed.tokens())];
            HeadChunks.forward(
                    KdGradients.replyHidden(model, packed),
                    HeadChunks.rowsFor(validVocab),
                    (rows, from, to) -> {
                        NDArray logp =
                                targetLogProbs(
                                        model.logits(rows, validVocab).logSoftmax(1),
                                        packed,
                                        from,
                                        to);
                        copy(logp, out, from);
                        return new NDArray[] {logp.sum()};
                    });
            return Tokens.split(out, replies);
        }
    }

    /**
     * {@code {total, surrogate, kl, entropy, clipped}} of reply positions {@code [from, to)}, each
     * a scalar summed over them; their log-probs are copied into {@code logProbs}.
     */
    private static NDArray[] terms(
            NDArray logits,
            PackedBatch packed,
            Tokens.Values arrays,
            PolicyLoss loss,
            int from,
            int to,
            float[] logProbs) {
        NDManager m = logits.getManager();
        DataType dtype = logits.getDataType();
        NDIndex range = new NDIndex("{}:{}", from, to);
        NDArray logpAll = logits.logSoftmax(1); // [r, V]
        NDArray logp = targetLogProbs(logpAll, packed, from, to); // [r]
        copy(logp, logProbs, from);
        NDArray adv = arrays.advantages().get(m, range).toType(dtype, false);
        NDArray current = logp.stopGradient();
        NDArray old;
        if (arrays.old() == null) {
            old = current; // the first pass over the batch: π_old = π_θ
        } else {
            NDArray stored = arrays.old().get(m, range).toType(dtype, false);
            old =
                    arrays.hasOld() == null
                            ? stored
                            : NDArrays.where(
                                    arrays.hasOld().get(m, range).gt(0.5f), stored, current);
        }
        NDArray ratio = logp.sub(old).exp();
        float eps = loss.clipEps();
        NDArray surrogate =
                ratio.mul(adv).minimum(ratio.clip(1 - eps, 1 + eps).mul(adv)).neg(); // [r]
        NDArray surrogateSum = surrogate.sum();
        NDArray total = surrogateSum;
        NDArray klSum = m.zeros(new Shape(), dtype);
        if (arrays.ref() != null) {
            NDArray d = arrays.ref().get(m, range).toType(dtype, false).sub(logp);
            klSum = d.exp().sub(d).sub(1).sum();
            if (loss.beta() > 0) {
                total = total.add(Scalars.mul(klSum, loss.beta()));
            }
        }
        NDArray detached = logpAll.stopGradient();
        NDArray entropy = detached.exp().mul(detached).sum(new int[] {1}).neg().sum();
        NDArray r = ratio.stopGradient();
        NDArray clipped =
                r.lt(1 - eps)
                        .logicalAnd(adv.lt(0))
                        .logicalOr(r.gt(1 + eps).logicalAnd(adv.gt(0)))
                        .toType(DataType.FLOAT32, false)
                        .sum();
        return new NDArray[] {total, surrogateSum, klSum, entropy, clipped};
    }

    /** {@code [r]} log-probabilities of the reply tokens {@code [from, to)}. */
    private static NDArray targetLogProbs(NDArray logpAll, PackedBatch packed, int from, int to) {
        NDArray targets =
                packed.targets()
                        .get(logpAll.getManager(), new NDIndex("{}:{}", from, to))
                        .toType(DataType.INT64, false);
        return logpAll.gather(targets.expandDims(1), 1).squeeze(1);
    }

    private static void copy(NDArray values, float[] into, int from) {
        float[] v = values.stopGradient().toType(DataType.FLOAT32, false).toFloatArray();
        System.arraycopy(v, 0, into, from, v.length);
    }

    /** The batch's per-token values, in the packed order (example by example). */
    private static final class Tokens {
        final List<int[]> prompts = new ArrayList<>();
        final List<int[]> replies = new ArrayList<>();
        final float[] advantages;
        final boolean[] hasOld;
        final float[] old;
        final float[] ref; // null when no example has reference log-probs

        private Tokens(int n, boolean withRef) {
            advantages = new float[n];
            hasOld = new boolean[n];
            old = new float[n];
            ref = withRef ? new float[n] : null;
        }

        static Tokens of(List<PolicyExample> batch, PolicyLoss loss) {
            requireNonNull(batch, "batch is null");
            if (batch.isEmpty()) {
                throw new IllegalArgumentException("Invalid batch: no examples");
            }
            boolean withRef = batch.get(0).refLogProbs() != null;
            int n = 0;
            for (int e = 0; e < batch.size(); e++) {
                PolicyExample ex = batch.get(e);
                if ((ex.refLogProbs() != null) != withRef) {
                    throw new IllegalArgumentException(
                            "Invalid batch: example "
                                    + e
                                    + " disagrees with example 0 on having reference log-probs");
                }
                n += ex.replyIds().length;
            }
            if (loss.beta() > 0 && !withRef) {
                throw new IllegalArgumentException(
                        "Invalid batch: beta " + loss.beta() + " needs reference log-probs");
            }
            Tokens t = new Tokens(n, withRef);
            int row = 0;
            for (PolicyExample ex : batch) {
                int r = ex.replyIds().length;
                t.prompts.add(ex.promptIds());
                t.replies.add(ex.replyIds());
                Arrays.fill(t.advantages, row, row + r, ex.advantage());
                if (ex.oldLogProbs() != null) {
                    Arrays.fill(t.hasOld, row, row + r, true);
                    System.arraycopy(ex.oldLogProbs(), 0, t.old, row, r);
                }
                if (withRef) {
                    System.arraycopy(ex.refLogProbs(), 0, t.ref, row, r);
                }
                row += r;
            }
            return t;
        }

        int count() {
            return advantages.length;
        }

        /** Names the first reply token whose log-prob, old log-prob or reference is not finite. */
        void checkFinite(float[] logProbs, double[] sums) {
            int row = 0;
            for (int e = 0; e < replies.size(); e++) {
                for (int j = 0; j < replies.get(e).length; j++, row++) {
                    if (!Float.isFinite(logProbs[row])
                            || (hasOld[row] && !Float.isFinite(old[row]))
                            || (ref != null && !Float.isFinite(ref[row]))) {
                        throw new IllegalStateException(
                                String.format(
                                        "Cannot compute policy gradients: example %s, reply token"
                                                + " %s (id %s) has log-prob %s, old %s, reference"
                                                + " %s",
                                        e,
                                        j,
                                        replies.get(e)[j],
                                        logProbs[row],
                                        hasOld[row] ? old[row] : "-",
                                        ref == null ? "-" : ref[row]));
                    }
                }
            }
            for (double v : sums) {
                if (!Double.isFinite(v)) {
                    throw new IllegalStateException(
                            "Cannot compute policy gradients: a loss term is "
                                    + v
                                    + " with finite log-probs ("
                                    + Arrays.toString(sums)
                                    + ")");
                }
            }
        }

        /**
         * The per-token values as arrays of {@code manager}, created once per batch and sliced per
         * chunk (as {@link KdBatch} does): {@code old} is null when no example has old log-probs,
         * {@code hasOld} null when all have them, {@code ref} null without reference log-probs.
         */
        record Values(NDArray advantages, NDArray old, NDArray hasOld, NDArray ref) {}

        Values arrays(NDManager manager) {
            int withOld = 0;
            float[] mask = new float[count()];
            for (int i = 0; i < mask.length; i++) {
                if (hasOld[i]) {
                    mask[i] = 1f;
                    withOld++;
                }
            }
            return new Values(
                    manager.create(advantages),
                    withOld == 0 ? null : manager.create(old),
                    withOld == 0 || withOld == mask.length ? null : manager.create(mask),
                    ref == null ? null : manager.create(ref));
        }

        PackedBatch pack(int validVocab, NDManager manager) {
            return PackedBatch.of(prompts, replies, validVocab, manager);
        }

        List<float[]> split(float[] values) {
            return split(values, replies);
        }

        static List<float[]> split(float[] values, List<int[]> replies) {
            List<float[]> out = new ArrayList<>(replies.size());
            int row = 0;
            for (int[] reply : replies) {
                out.add(Arrays.copyOfRange(values, row, row + reply.length));
                row += reply.length;
            }
            return out;
        }
    }
}
