package dev.ssb.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.PolicyExample;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.model.LoraLayers;
import dev.ssb.worker.model.Transformer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import java.util.stream.IntStream;

/**
 * Random LoRA adapters and distillation batches for tiny models, and the finite-difference check of
 * their LoRA gradients.
 */
final class KdFixtures {

    private KdFixtures() {}

    /**
     * Asserts that the two largest entries (by magnitude) of each named LoRA gradient equal the
     * central finite difference {@code (loss(+eps) − loss(−eps)) / 2 eps} within {@code rel ×
     * |numeric| + abs}, and (when {@code minSignal > 0}) that each numeric derivative exceeds
     * {@code minSignal} in magnitude. {@code loss} evaluates {@code model} as it stands; {@code
     * adapter} is applied again after.
     */
    static void assertFiniteDifferences(
            Transformer model,
            LoraAdapter adapter,
            Map<String, HostTensor> gradients,
            List<String> names,
            float eps,
            double rel,
            double abs,
            double minSignal,
            DoubleSupplier loss) {
        try {
            for (String name : names) {
                float[] analytic = gradients.get(name).data();
                // the two entries with the largest gradient carry signal well above float32 noise
                int[] entries =
                        IntStream.range(0, analytic.length)
                                .boxed()
                                .sorted(Comparator.comparingDouble(i -> -Math.abs(analytic[i])))
                                .limit(2)
                                .mapToInt(Integer::intValue)
                                .toArray();
                for (int i : entries) {
                    apply(model, moved(adapter, name, i, eps));
                    double plus = loss.getAsDouble();
                    apply(model, moved(adapter, name, i, -eps));
                    double minus = loss.getAsDouble();
                    double numeric = (plus - minus) / (2 * eps);
                    String entry = model.config().modelType() + " " + name + "[" + i + "]";
                    if (minSignal > 0) {
                        assertThat(Math.abs(numeric))
                                .as("%s carries signal", entry)
                                .isGreaterThan(minSignal);
                    }
                    assertThat((double) analytic[i])
                            .as(entry)
                            .isCloseTo(numeric, within(rel * Math.abs(numeric) + abs));
                }
            }
        } finally {
            apply(model, adapter);
        }
    }

    /** {@code adapter} with entry {@code index} of tensor {@code name} moved by {@code delta}. */
    private static LoraAdapter moved(LoraAdapter adapter, String name, int index, float delta) {
        Map<String, HostTensor> tensors = new TreeMap<>(adapter.tensors());
        HostTensor t = tensors.get(name);
        float[] data = t.data().clone();
        data[index] += delta;
        tensors.put(name, new HostTensor(t.shape(), data));
        return new LoraAdapter(adapter.config(), tensors);
    }

    static long[] projection(ModelConfig c, String module) {
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long inter = c.intermediateSize();
        return switch (module) {
            case "q_proj" -> new long[] {q, h};
            case "k_proj", "v_proj" -> new long[] {kv, h};
            case "o_proj" -> new long[] {h, q};
            case "gate_proj", "up_proj" -> new long[] {inter, h};
            default -> new long[] {h, inter};
        };
    }

    /** A random, B random with standard deviation {@code bStd} (0 gives the PEFT init). */
    static LoraAdapter adapter(ModelConfig c, LoraConfig lora, double bStd, long seed) {
        Random random = new Random(seed);
        Map<String, HostTensor> tensors = new TreeMap<>();
        for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
            for (String m : lora.targetModules()) {
                long[] w = projection(c, m);
                tensors.put(
                        LoraLayers.key(layer, m, 'A'),
                        random(new long[] {lora.rank(), w[1]}, 0.3, random));
                tensors.put(
                        LoraLayers.key(layer, m, 'B'),
                        random(new long[] {w[0], lora.rank()}, bStd, random));
            }
        }
        return new LoraAdapter(lora, tensors);
    }

    static HostTensor random(long[] shape, double std, Random random) {
        HostTensor t = HostTensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) (std * random.nextGaussian());
        }
        return t;
    }

    static void apply(Transformer model, LoraAdapter adapter) {
        LoraLayers old = model.lora();
        model.setLora(
                LoraLayers.fromAdapter(adapter, model.config(), model.manager(), DataType.FLOAT32));
        if (old != null) {
            old.close();
        }
    }

    /**
     * Examples with random prompts and replies below {@code valid}, and a teacher whose stored
     * top-k comes from random full-vocabulary logits (exact lse, as the teacher stage stores it).
     */
    static List<KdExample> examples(int count, int valid, int k, float t, long seed) {
        Random random = new Random(seed);
        List<KdExample> out = new ArrayList<>();
        for (int e = 0; e < count; e++) {
            int[] prompt = ids(2 + random.nextInt(5), valid, random);
            int[] reply = ids(1 + random.nextInt(6), valid, random);
            int[] topkIds = new int[reply.length * k];
            float[] topkLogits = new float[reply.length * k];
            float[] lse = new float[reply.length];
            for (int j = 0; j < reply.length; j++) {
                float[] full = new float[valid];
                for (int v = 0; v < valid; v++) {
                    full[v] = (float) (2 * random.nextGaussian());
                }
                int[] top = KdReference.topk(full, valid, k);
                for (int i = 0; i < k; i++) {
                    topkIds[j * k + i] = top[i];
                    topkLogits[j * k + i] = full[top[i]];
                }
                lse[j] = (float) KdReference.logSumExp(full, valid, t);
            }
            out.add(
                    new KdExample(
                            prompt, reply, new TeacherLogits(k, t, topkIds, topkLogits, lse)));
        }
        return out;
    }

    private static int[] ids(int n, int valid, Random random) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextInt(valid);
        }
        return out;
    }

    /** Prompt/reply pairs of {@link #examples} with advantages −1.5 .. +1.5. */
    static List<PolicyExample> policyExamples(int count, int valid, long seed) {
        List<KdExample> kd = examples(count, valid, 2, 1f, seed);
        List<PolicyExample> out = new ArrayList<>();
        for (int i = 0; i < kd.size(); i++) {
            float advantage = -1.5f + 3f * i / Math.max(1, kd.size() - 1);
            out.add(
                    new PolicyExample(
                            kd.get(i).studentPromptIds(),
                            kd.get(i).replyIds(),
                            advantage,
                            null,
                            null));
        }
        return out;
    }

    /**
     * {@code batch} with old and reference log-probs near {@code model}'s current ones (noise σ 0.6
     * and 0.5), so some ratios leave the clip range.
     */
    static List<PolicyExample> offPolicy(
            Transformer model, int valid, List<PolicyExample> batch, long seed) {
        List<float[]> current =
                PolicyGradients.replyLogProbs(
                        model,
                        batch.stream().map(PolicyExample::promptIds).toList(),
                        batch.stream().map(PolicyExample::replyIds).toList(),
                        valid);
        Random random = new Random(seed);
        List<PolicyExample> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            float[] old = current.get(i).clone();
            float[] ref = current.get(i).clone();
            for (int j = 0; j < old.length; j++) {
                old[j] += (float) (0.6 * random.nextGaussian());
                ref[j] += (float) (0.5 * random.nextGaussian());
            }
            PolicyExample e = batch.get(i);
            out.add(new PolicyExample(e.promptIds(), e.replyIds(), e.advantage(), old, ref));
        }
        return out;
    }
}
