package dev.ssb.worker.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergedLoraSourceTest {

    @TempDir Path tmp;

    private static final String W = "model.layers.0.self_attn.q_proj.weight";

    @Test
    void addsScaledBTimesA() {
        TensorSource base =
                TensorSources.of(
                        Map.of(
                                W,
                                new HostTensor(new long[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6}),
                                "model.norm.weight",
                                new HostTensor(new long[] {2}, new float[] {7, 8})));
        LoraAdapter adapter =
                new LoraAdapter(
                        new LoraConfig(1, 2f, List.of("q_proj")), // scale 2
                        Map.of(
                                LoraShapes.keyA(0, "q_proj"),
                                new HostTensor(new long[] {1, 2}, new float[] {1, -1}),
                                LoraShapes.keyB(0, "q_proj"),
                                new HostTensor(new long[] {3, 1}, new float[] {2, 0, 1})));
        TensorSource merged = TensorSources.withLoraMerged(base, adapter);
        // W + 2 * [[2], [0], [1]] x [[1, -1]]
        assertThat(TestCheckpoints.floats(merged.readFloat32(W)))
                .containsExactly(5, -2, 3, 4, 7, 4);
        assertThat(TestCheckpoints.floats(merged.readFloat32("model.norm.weight")))
                .containsExactly(7, 8);
        assertThat(merged.names()).isEqualTo(base.names());
    }

    @Test
    void mergedCheckpointMatchesADoublePrecisionReference() {
        ModelConfig config = TestCheckpoints.tinyQwen2();
        Map<String, HostTensor> weights = TestCheckpoints.randomWeights(config, 1);
        LoraConfig lora = new LoraConfig(4, 8f, List.of("o_proj", "down_proj"));
        LoraAdapter init = LoraAdapter.initialize(lora, config, 2);
        Map<String, HostTensor> t = new TreeMap<>(init.tensors());
        t.replaceAll((k, v) -> k.contains("lora_B") ? ramp(v.shape()) : v);
        LoraAdapter adapter = new LoraAdapter(lora, t);

        Path out = tmp.resolve("merged");
        CheckpointWriter.write(
                out,
                config,
                TensorSources.withLoraMerged(TensorSources.of(weights), adapter),
                CheckpointWriter.Options.of(Dtype.F32, null));
        try (CheckpointDirectory c = CheckpointDirectory.open(out)) {
            String down = "model.layers.1.mlp.down_proj.weight"; // [16, 24], r = 4
            float[] got = TestCheckpoints.floats(c.readFloat32(down));
            float[] w = weights.get(down).data();
            float[] a = t.get(LoraShapes.keyA(1, "down_proj")).data();
            float[] b = t.get(LoraShapes.keyB(1, "down_proj")).data();
            for (int o = 0; o < 16; o++) {
                for (int i = 0; i < 24; i++) {
                    double ref = w[o * 24 + i];
                    for (int k = 0; k < 4; k++) {
                        ref += 2.0 * b[o * 4 + k] * a[k * 24 + i];
                    }
                    assertThat((double) got[o * 24 + i]).isCloseTo(ref, within(1e-5));
                }
            }
            assertThat(got).isNotEqualTo(w);
            String q = "model.layers.1.self_attn.q_proj.weight"; // not adapted
            assertThat(TestCheckpoints.floats(c.readFloat32(q))).isEqualTo(weights.get(q).data());
        }
    }

    @Test
    void freshAdapterLeavesTheBaseUnchanged() {
        ModelConfig config = TestCheckpoints.tinyLlama();
        Map<String, HostTensor> weights = TestCheckpoints.randomWeights(config, 3);
        TensorSource merged =
                TensorSources.withLoraMerged(
                        TensorSources.of(weights),
                        LoraAdapter.initialize(LoraConfig.paper(), config, 4));
        for (String n : weights.keySet()) {
            assertThat(TestCheckpoints.floats(merged.readFloat32(n)))
                    .as(n)
                    .isEqualTo(weights.get(n).data());
        }
    }

    @Test
    void rejectsAnAdapterForAnotherShape() {
        ModelConfig config = TestCheckpoints.tinyQwen2();
        ModelConfig other =
                new ModelConfig(
                        "qwen2", 16, 32, 2, 4, 2, 4, 1e6, 1e-6, 40, true, true, 64, -1, List.of(7));
        LoraAdapter adapter =
                LoraAdapter.initialize(new LoraConfig(2, 2f, List.of("up_proj")), other, 1);
        assertThatThrownBy(
                        () ->
                                TensorSources.withLoraMerged(
                                        TensorSources.of(TestCheckpoints.randomWeights(config, 1)),
                                        adapter))
                .hasMessageStartingWith(
                        "Cannot merge adapter into in-memory tensors: tensor model.layers.0.mlp.up_proj.weight"
                                + " has shape [24, 16], adapter implies [32, 16]");
    }

    private static HostTensor ramp(long[] shape) {
        HostTensor t = HostTensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = 0.01f * ((i % 11) - 5);
        }
        return t;
    }
}
