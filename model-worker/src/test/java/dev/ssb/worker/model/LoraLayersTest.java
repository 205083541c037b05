package dev.ssb.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoraLayersTest {
    private static final int[] IDS = {4, 8, 15, 16, 23, 42};

    @Test
    void zeroBGivesTheBaseLogits() {
        ModelConfig config = TinyModels.qwen2();
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 2))) {
            float[][] base = TransformerTest.fullLogits(model, IDS);
            LoraAdapter adapter = TinyModels.randomAdapter(config, LoraConfig.paper(), 9, true);
            try (LoraLayers lora =
                    LoraLayers.fromAdapter(adapter, config, model.manager(), DataType.FLOAT32)) {
                model.setLora(lora);
                float[][] adapted = TransformerTest.fullLogits(model, IDS);
                // B = 0 adds exact zeros, but the adapted forward does not make the same native
                // calls as the base one (merged weight copies, the LoRA products); on some CPUs
                // that moves logits by ulps (1e-7 of values up to 2.6 on the 2026-12-05 machine,
                // bit-identical on the earlier one)
                for (int t = 0; t < IDS.length; t++) {
                    assertThat(TransformerTest.maxAbsDiff(adapted[t], base[t]))
                            .as("token %s", t)
                            .isLessThanOrEqualTo(1e-6);
                }
            }
        }
    }

    @Test
    void randomBEqualsMergedWeights() {
        for (ModelConfig config : TinyModels.all()) {
            LoraConfig cfg =
                    new LoraConfig(
                            4, 8f, List.of("q_proj", "v_proj", "o_proj", "down_proj", "up_proj"));
            try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 2));
                    LoraLayers lora =
                            LoraLayers.fromAdapter(
                                    TinyModels.randomAdapter(config, cfg, 4, false),
                                    config,
                                    model.manager(),
                                    DataType.FLOAT32)) {
                float[][] base = TransformerTest.fullLogits(model, IDS);
                model.setLora(lora);
                float[][] adapted = TransformerTest.fullLogits(model, IDS);
                InMemoryTensorSource merged = new InMemoryTensorSource();
                try (NDManager tmp = model.manager().newSubManager()) {
                    for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                        NDArray w = model.mergedWeight(e.getKey(), tmp);
                        merged.put(e.getKey(), w.getShape().getShape(), w.toFloatArray());
                    }
                }
                try (Transformer mergedModel = TinyModels.load(config, merged)) {
                    float[][] expected = TransformerTest.fullLogits(mergedModel, IDS);
                    for (int t = 0; t < IDS.length; t++) {
                        assertThat(TransformerTest.maxAbsDiff(adapted[t], expected[t]))
                                .isLessThanOrEqualTo(1e-4);
                    }
                }
                // and the adapter really changes the model
                assertThat(
                                TransformerTest.maxAbsDiff(
                                        adapted[IDS.length - 1], base[IDS.length - 1]))
                        .isGreaterThan(1e-2);
            }
        }
    }

    @Test
    void decodingWithTheMergedWeightsMatchesTheFactoredForward() {
        for (ModelConfig config : TinyModels.all()) {
            try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 3));
                    LoraLayers lora =
                            LoraLayers.fromAdapter(
                                    TinyModels.randomAdapter(config, LoraConfig.paper(), 5, false),
                                    config,
                                    model.manager(),
                                    DataType.FLOAT32)) {
                float[] base = TransformerTest.fullLogits(model, IDS)[IDS.length - 1];
                model.setLora(lora);
                float[] factored = TransformerTest.fullLogits(model, IDS)[IDS.length - 1];
                int prompt = IDS.length - 1;
                float[] decoded;
                try (KvCache cache = model.newCache(new int[] {prompt}, IDS.length);
                        NDManager step = model.manager().newSubManager()) {
                    long[] ids = new long[prompt];
                    for (int t = 0; t < prompt; t++) {
                        ids[t] = IDS[t];
                    }
                    model.prefill(
                            cache, step.create(ids, new Shape(1, prompt)), config.vocabSize());
                    decoded =
                            model.decode(
                                            cache,
                                            step.create(new long[] {IDS[prompt]}, new Shape(1, 1)),
                                            config.vocabSize())
                                    .toFloatArray();
                }
                assertThat(TransformerTest.maxAbsDiff(decoded, factored)).isLessThanOrEqualTo(1e-4);
                assertThat(TransformerTest.maxAbsDiff(decoded, base)).isGreaterThan(1e-2);
            }
        }
    }

    @Test
    void roundTripsThroughHostTensors() {
        ModelConfig config = TinyModels.llama();
        LoraAdapter adapter =
                TinyModels.randomAdapter(
                        config, new LoraConfig(2, 4f, List.of("k_proj", "gate_proj")), 5, false);
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 2));
                LoraLayers lora =
                        LoraLayers.fromAdapter(
                                adapter, config, model.manager(), DataType.FLOAT32)) {
            LoraAdapter back = lora.toAdapter();
            assertThat(back.config()).isEqualTo(adapter.config());
            assertThat(back.tensors().keySet()).isEqualTo(adapter.tensors().keySet());
            for (String key : adapter.tensors().keySet()) {
                assertThat(back.tensors().get(key).data())
                        .containsExactly(adapter.tensors().get(key).data());
            }
            assertThat(lora.parameters())
                    .containsKey("base_model.model.model.layers.1.mlp.gate_proj.lora_B.weight");
        }
    }

    @Test
    void rejectsAdapterWithMissingOrMisshapenKeys() {
        ModelConfig config = TinyModels.qwen2();
        LoraConfig cfg = new LoraConfig(2, 2f, List.of("q_proj"));
        LoraAdapter full = TinyModels.randomAdapter(config, cfg, 1, false);
        Map<String, HostTensor> missing = new LinkedHashMap<>(full.tensors());
        String gone = "base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight";
        missing.remove(gone);
        Map<String, HostTensor> bad = new LinkedHashMap<>(full.tensors());
        bad.put(gone, HostTensor.zeros(31, 2));
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 2))) {
            assertThatThrownBy(
                            () ->
                                    LoraLayers.fromAdapter(
                                            new LoraAdapter(cfg, missing),
                                            config,
                                            model.manager(),
                                            DataType.FLOAT32))
                    .hasMessage("Invalid LoRA adapter: missing key " + gone);
            assertThatThrownBy(
                            () ->
                                    LoraLayers.fromAdapter(
                                            new LoraAdapter(cfg, bad),
                                            config,
                                            model.manager(),
                                            DataType.FLOAT32))
                    .hasMessageContaining(gone + " has shape [31, 2], expected [32, 2]");
        }
    }

    @Test
    void gradientsFlowToLoraMatricesThroughForward() {
        ModelConfig config = TinyModels.llama();
        LoraConfig cfg = new LoraConfig(2, 4f, List.of("v_proj", "down_proj"));
        String key = LoraLayers.key(0, "v_proj", 'B');
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 2));
                LoraLayers lora =
                        LoraLayers.fromAdapter(
                                TinyModels.randomAdapter(config, cfg, 3, false),
                                config,
                                model.manager(),
                                DataType.FLOAT32)) {
            model.setLora(lora);
            NDArray b = lora.parameters().get(key);
            b.setRequiresGradient(true);
            float analytic;
            try (NDManager step = model.manager().newSubManager();
                    ai.djl.training.GradientCollector gc =
                            ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray loss = objective(model, step);
                gc.backward(loss);
                analytic = b.getGradient().toFloatArray()[5];
            }
            b.setRequiresGradient(false);
            float eps = 1e-2f;
            float[] values = b.toFloatArray();
            values[5] += eps;
            b.set(values);
            double up = objectiveValue(model);
            values[5] -= 2 * eps;
            b.set(values);
            double down = objectiveValue(model);
            double numeric = (up - down) / (2 * eps);
            assertThat(Math.abs(analytic)).isGreaterThan(1e-3f);
            assertThat(analytic)
                    .isCloseTo(
                            (float) numeric,
                            org.assertj.core.data.Offset.offset(
                                    (float) (2e-2 * Math.abs(numeric) + 1e-3)));
        }
    }

    /** A scalar of the logits: the mean log-probability of the next id in {@link #IDS}. */
    private static NDArray objective(Transformer model, NDManager step) {
        long[] ids = java.util.Arrays.stream(IDS).asLongStream().toArray();
        NDArray input = step.create(ids, new ai.djl.ndarray.types.Shape(1, ids.length));
        NDArray logits = model.forward(input, step.ones(input.getShape()));
        NDArray logp = logits.logSoftmax(-1);
        NDArray next =
                step.create(
                        new long[] {8, 15, 16, 23, 42, 1},
                        new ai.djl.ndarray.types.Shape(1, ids.length, 1));
        return logp.gather(next, 2).mean();
    }

    private static double objectiveValue(Transformer model) {
        try (NDManager step = model.manager().newSubManager()) {
            return objective(model, step).getFloat();
        }
    }
}
