package dev.ssb.worker.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fused q/k/v and gate/up projections against the separate ones: same logits within float tolerance
 * and the same greedy tokens, with GQA, biases, Qwen3's q/k norms and LoRA adapters.
 */
class FusedProjectionsTest {
    private static final double TOL = 1e-4;

    /** Rounding of other GEMM blockings on logits of magnitude ~3: a few float32 ulps. */
    private static final double ULPS = 1e-5;

    private static final int[] IDS = {4, 8, 15, 16, 23, 42, 7};
    private static final int[][] PROMPTS = {{4, 9, 13, 2, 7}, {30, 5}};
    private static final int STEPS = 8;

    /** q, v, o and up targeted: the fused groups hold target rows next to zero (k, gate) rows. */
    private static final LoraConfig PARTIAL =
            new LoraConfig(4, 8f, List.of("q_proj", "v_proj", "o_proj", "up_proj"));

    @Test
    void fusedForwardAndGreedyTokensEqualTheSeparateProjections() {
        // qwen2: GQA (2 query heads per KV head) with q/k/v bias; qwen3: q/k norms, head_dim 12;
        // llama with bias: o_proj bias too
        for (ModelConfig config :
                List.of(TinyModels.qwen2(), TinyModels.qwen3(false), TinyModels.llamaWithBias())) {
            InMemoryTensorSource weights = TinyModels.randomWeights(config, 21);
            try (Transformer fused = TinyModels.load(config, weights);
                    Transformer separate = separate(config, weights)) {
                assertThat(fused.fusedProjections()).isTrue();
                assertThat(separate.fusedProjections()).isFalse();
                assertSameModel(fused, separate, config);
            }
        }
    }

    @Test
    void loraAdapterUnmergedAndMergedForDecodingMatchesTheSeparatePath() {
        ModelConfig config = TinyModels.qwen2();
        InMemoryTensorSource weights = TinyModels.randomWeights(config, 22);
        var adapter = TinyModels.randomAdapter(config, PARTIAL, 6, false);
        try (Transformer fused = TinyModels.load(config, weights);
                Transformer separate = separate(config, weights);
                LoraLayers fusedLora =
                        LoraLayers.fromAdapter(adapter, config, fused.manager(), DataType.FLOAT32);
                LoraLayers separateLora =
                        LoraLayers.fromAdapter(
                                adapter, config, separate.manager(), DataType.FLOAT32)) {
            float[] base = TransformerTest.fullLogits(fused, IDS)[IDS.length - 1];
            fused.setLora(fusedLora);
            separate.setLora(separateLora);
            // forward = LoRA deltas on the fused output slices; decode = merged fused weights
            assertSameModel(fused, separate, config);
            float[] adapted = TransformerTest.fullLogits(fused, IDS)[IDS.length - 1];
            assertThat(TransformerTest.maxAbsDiff(adapted, base)).isGreaterThan(1e-2);
        }
    }

    @Test
    void adapterMergedIntoTheCheckpointLoadsFusedAsTheSeparateModelWithLora() {
        ModelConfig config = TinyModels.qwen2();
        InMemoryTensorSource weights = TinyModels.randomWeights(config, 23);
        var adapter = TinyModels.randomAdapter(config, PARTIAL, 7, false);
        try (Transformer fused = TinyModels.load(config, weights);
                Transformer separate = separate(config, weights);
                LoraLayers fusedLora =
                        LoraLayers.fromAdapter(adapter, config, fused.manager(), DataType.FLOAT32);
                LoraLayers separateLora =
                        LoraLayers.fromAdapter(
                                adapter, config, separate.manager(), DataType.FLOAT32)) {
            fused.setLora(fusedLora);
            separate.setLora(separateLora);
            // W + alpha/r·B·A exported under the separate HF names from the fused model's views
            InMemoryTensorSource merged = new InMemoryTensorSource();
            try (NDManager tmp = fused.manager().newSubManager()) {
                for (String name : fused.parameters().keySet()) {
                    NDArray w = fused.mergedWeight(name, tmp);
                    merged.put(name, w.getShape().getShape(), w.toFloatArray());
                }
            }
            assertThat(merged.names())
                    .containsExactlyInAnyOrderElementsOf(WeightNames.expected(config).keySet());
            try (Transformer mergedModel = TinyModels.load(config, merged)) {
                assertThat(mergedModel.fusedProjections()).isTrue();
                assertSameModel(mergedModel, separate, config);
            }
        }
    }

    @Test
    void parametersAreViewsOfTheFusedWeightsUntilSeparated() {
        ModelConfig config = TinyModels.qwen2();
        InMemoryTensorSource weights = TinyModels.randomWeights(config, 24);
        try (Transformer fused = TinyModels.load(config, weights);
                Transformer separate = separate(config, weights)) {
            Map<String, NDArray> params = fused.parameters();
            for (Map.Entry<String, long[]> e : WeightNames.expected(config).entrySet()) {
                assertThat(params.get(e.getKey()).getShape().getShape())
                        .as(e.getKey())
                        .containsExactly(e.getValue());
                assertThat(params.get(e.getKey()).toFloatArray())
                        .as(e.getKey())
                        .containsExactly(weights.values(e.getKey()));
            }
            float[] before = TransformerTest.fullLogits(fused, IDS)[IDS.length - 1];
            // an in-place change of a view reaches the fused product: one copy in memory
            String k = WeightNames.layer(0, "self_attn.k_proj.weight");
            String up = WeightNames.layer(1, "mlp.up_proj.weight");
            params.get(k).muli(0f);
            params.get(up).muli(0f);
            float[] zeroed = TransformerTest.fullLogits(fused, IDS)[IDS.length - 1];
            assertThat(TransformerTest.maxAbsDiff(zeroed, before)).isGreaterThan(1e-2);

            // separate products round differently from the fused one on some CPUs (AVX-512
            // kernels: up to 4e-7 here, logits up to 3.2), exactly alike on others
            fused.separateProjections();
            assertThat(fused.fusedProjections()).isFalse();
            assertThat(
                            TransformerTest.maxAbsDiff(
                                    TransformerTest.fullLogits(fused, IDS)[IDS.length - 1], zeroed))
                    .isLessThanOrEqualTo(ULPS);
            separate.parameters().get(k).muli(0f);
            separate.parameters().get(up).muli(0f);
            assertThat(
                            TransformerTest.maxAbsDiff(
                                    TransformerTest.fullLogits(separate, IDS)[IDS.length - 1],
                                    zeroed))
                    .isLessThanOrEqualTo(ULPS);
        }
    }

    private static Transformer separate(ModelConfig config, InMemoryTensorSource weights) {
        return Transformer.create(config, weights, Device.cpu(), DataType.FLOAT32, true);
    }

    private static void assertSameModel(Transformer a, Transformer b, ModelConfig config) {
        float[][] fa = TransformerTest.fullLogits(a, IDS);
        float[][] fb = TransformerTest.fullLogits(b, IDS);
        for (int t = 0; t < IDS.length; t++) {
            assertThat(TransformerTest.maxAbsDiff(fa[t], fb[t]))
                    .as("%s forward, token %s", config.modelType(), t)
                    .isLessThanOrEqualTo(TOL);
        }
        Greedy ga = greedy(a, config);
        Greedy gb = greedy(b, config);
        for (int r = 0; r < PROMPTS.length; r++) {
            assertThat(ga.tokens[r])
                    .as("%s greedy row %s", config.modelType(), r)
                    .isEqualTo(gb.tokens[r]);
        }
        assertThat(TransformerTest.maxAbsDiff(ga.lastLogits, gb.lastLogits))
                .as("%s decode logits", config.modelType())
                .isLessThanOrEqualTo(TOL);
    }

    private record Greedy(int[][] tokens, float[] lastLogits) {}

    /** Greedy decoding of the left-padded {@link #PROMPTS} with the KV cache. */
    private static Greedy greedy(Transformer model, ModelConfig config) {
        int rows = PROMPTS.length;
        int longest = Arrays.stream(PROMPTS).mapToInt(p -> p.length).max().orElseThrow();
        int[] lengths = Arrays.stream(PROMPTS).mapToInt(p -> p.length).toArray();
        int vocab = config.vocabSize();
        int[][] tokens = new int[rows][STEPS];
        float[] logits;
        try (KvCache cache = model.newCache(lengths, longest + STEPS)) {
            try (NDManager step = model.manager().newSubManager()) {
                long[] padded = new long[rows * longest];
                for (int r = 0; r < rows; r++) {
                    int pad = longest - PROMPTS[r].length;
                    for (int t = 0; t < PROMPTS[r].length; t++) {
                        padded[r * longest + pad + t] = PROMPTS[r][t];
                    }
                }
                logits =
                        model.prefill(cache, step.create(padded, new Shape(rows, longest)), vocab)
                                .toFloatArray();
            }
            for (int s = 0; s < STEPS; s++) {
                long[] next = new long[rows];
                for (int r = 0; r < rows; r++) {
                    int best = 0;
                    for (int v = 1; v < vocab; v++) {
                        if (logits[r * vocab + v] > logits[r * vocab + best]) {
                            best = v;
                        }
                    }
                    tokens[r][s] = best;
                    next[r] = best;
                }
                try (NDManager step = model.manager().newSubManager()) {
                    logits =
                            model.decode(cache, step.create(next, new Shape(rows, 1)), vocab)
                                    .toFloatArray();
                }
            }
        }
        return new Greedy(tokens, logits);
    }
}
