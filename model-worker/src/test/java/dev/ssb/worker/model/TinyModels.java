package dev.ssb.worker.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.RopeScaling;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Tiny random-weight Qwen2, Qwen3 and Llama (plain, llama3 and linear rope) models for fast tests.
 */
public final class TinyModels {
    private TinyModels() {}

    /** Qwen2 flavour: q/k/v bias, tied embeddings, 2 query heads per KV head. */
    public static ModelConfig qwen2() {
        return new ModelConfig(
                "qwen2", 32, 48, 2, 4, 2, 8, 10000.0, 1e-6, 61, true, true, 512, -1, List.of(2));
    }

    /** Llama flavour: no bias, untied LM head, 4 query heads per KV head, large rope theta. */
    public static ModelConfig llama() {
        return new ModelConfig(
                "llama", 32, 40, 2, 4, 1, 8, 500000.0, 1e-5, 53, false, false, 512, 1, List.of(2));
    }

    /**
     * Qwen3 flavour: per-head q/k RMSNorm, no bias, head_dim 12 independent of hidden / heads (as
     * Qwen3-0.6B: 1024 hidden, 16 heads × 128), tied or untied head.
     */
    public static ModelConfig qwen3(boolean tied) {
        return new ModelConfig(
                "qwen3",
                32,
                48,
                2,
                4,
                2,
                12,
                1_000_000.0,
                1e-6,
                59,
                tied,
                false,
                512,
                -1,
                List.of(2));
    }

    /**
     * Llama 3.1/3.2 flavour: llama3 rope scaling whose bands fall inside this tiny model's head
     * (wavelengths 6, 167, 4443 and 118k positions against original 512 / 4 and 512 / 1), so kept,
     * smoothed and divided frequencies all occur.
     */
    public static ModelConfig llama3() {
        return llama().withRopeScaling(RopeScaling.llama3(8, 1, 4, 512));
    }

    /** Llama with linear rope scaling (factor 4). */
    public static ModelConfig llamaLinear() {
        return llama().withRopeScaling(RopeScaling.linear(4));
    }

    /** Llama with {@code attention_bias}: q/k/v and o projections all have a bias. */
    public static ModelConfig llamaWithBias() {
        return new ModelConfig(
                "llama", 32, 40, 2, 4, 2, 8, 10000.0, 1e-5, 53, false, true, 512, 1, List.of(2));
    }

    /**
     * Every flavour: qwen2, llama (plain, biased, llama3 and linear rope), qwen3 tied and untied.
     */
    public static List<ModelConfig> all() {
        return List.of(
                qwen2(),
                llama(),
                qwen3(true),
                qwen3(false),
                llama3(),
                llamaLinear(),
                llamaWithBias());
    }

    /** A config of the given shape (qwen2 style), e.g. for benchmarks. */
    public static ModelConfig qwen2(int hidden, int layers, int heads, int kvHeads, int vocab) {
        return new ModelConfig(
                "qwen2",
                hidden,
                hidden * 3,
                layers,
                heads,
                kvHeads,
                hidden / heads,
                1_000_000.0,
                1e-6,
                vocab,
                true,
                true,
                4096,
                -1,
                List.of(2));
    }

    /** Random weights: N(0, 0.2²) matrices and biases, norms around 1. */
    public static InMemoryTensorSource randomWeights(ModelConfig config, long seed) {
        Random random = new Random(seed);
        InMemoryTensorSource source = new InMemoryTensorSource();
        for (Map.Entry<String, long[]> e : WeightNames.expected(config).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] v = new float[Math.toIntExact(n)];
            boolean norm = e.getKey().endsWith("norm.weight");
            for (int i = 0; i < v.length; i++) {
                v[i] =
                        norm
                                ? 1f + 0.1f * (float) random.nextGaussian()
                                : 0.2f * (float) random.nextGaussian();
            }
            source.put(e.getKey(), e.getValue(), v);
        }
        return source;
    }

    public static Transformer load(ModelConfig config, InMemoryTensorSource weights) {
        return Transformer.create(config, weights, Device.cpu(), DataType.FLOAT32);
    }

    /**
     * Uniform weights in ±0.05 with norms 1: quick to make for a large vocabulary (a benchmark's
     * 136 M embedding entries), unlike {@link #randomWeights}' Gaussians.
     */
    public static InMemoryTensorSource uniformWeights(ModelConfig config, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        InMemoryTensorSource source = new InMemoryTensorSource();
        for (Map.Entry<String, long[]> e : WeightNames.expected(config).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] v = new float[Math.toIntExact(n)];
            boolean norm = e.getKey().endsWith("norm.weight");
            for (int i = 0; i < v.length; i++) {
                v[i] = norm ? 1f : (float) (random.nextDouble() - 0.5) * 0.1f;
            }
            source.put(e.getKey(), e.getValue(), v);
        }
        return source;
    }

    /** A for every target module random; B random, or zero when {@code zeroB}. */
    public static LoraAdapter randomAdapter(
            ModelConfig model, LoraConfig cfg, long seed, boolean zeroB) {
        Random random = new Random(seed);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < model.numHiddenLayers(); i++) {
            for (String m : cfg.targetModules()) {
                long[] w = WeightNames.projectionShape(model, m);
                tensors.put(LoraLayers.key(i, m, 'A'), gaussian(random, 0.3f, cfg.rank(), w[1]));
                tensors.put(
                        LoraLayers.key(i, m, 'B'),
                        zeroB
                                ? HostTensor.zeros(w[0], cfg.rank())
                                : gaussian(random, 0.3f, w[0], cfg.rank()));
            }
        }
        return new LoraAdapter(cfg, tensors);
    }

    private static HostTensor gaussian(Random random, float std, long... shape) {
        float[] v = new float[Math.toIntExact(shape[0] * shape[1])];
        for (int i = 0; i < v.length; i++) {
            v[i] = std * (float) random.nextGaussian();
        }
        return new HostTensor(shape, v);
    }
}
