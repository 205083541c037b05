package dev.ssb.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.worker.api.AdamW;
import dev.ssb.worker.api.AdamWConfig;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillCheckpointsTest {

    @TempDir Path dir;

    private static final String A =
            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
    private static final String B =
            "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight";

    /** A state after {@code steps} real AdamW updates on a 1-module adapter. */
    private static TrainState state(int steps) {
        LoraConfig config = new LoraConfig(2, 4f, List.of("q_proj"));
        Map<String, HostTensor> params = new TreeMap<>();
        params.put(A, new HostTensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        params.put(B, new HostTensor(new long[] {3, 2}, new float[6]));
        AdamW adamW = new AdamW(AdamWConfig.defaults(10));
        List<StepMetrics> metrics = new ArrayList<>();
        for (int s = 1; s <= steps; s++) {
            Map<String, HostTensor> grads = new TreeMap<>();
            for (var e : params.entrySet()) {
                float[] g = new float[e.getValue().size()];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) Math.sin(s * 31 + i) / 3f;
                }
                grads.put(e.getKey(), new HostTensor(e.getValue().shape(), g));
            }
            double norm = adamW.step(params, grads);
            metrics.add(
                    new StepMetrics(
                            s, 0, 1.0 / s, 1.0 / s, 0.25, norm, 2e-4, 40, 2, 20.0, 2, 5, 4096));
        }
        return new TrainState(
                steps,
                0,
                2 * steps,
                "hash",
                "tiny",
                new LoraAdapter(config, params),
                adamW.exportState(),
                metrics);
    }

    @Test
    void roundTripsAdapterOptimizerMetricsAndPositionExactly() {
        DistillCheckpoints ckpts =
                new DistillCheckpoints(
                        new org.apache.hadoop.fs.Path(dir.toUri()), new Configuration());
        TrainState written = state(3);
        ckpts.write(written, 11L, 0);

        TrainState read = ckpts.latest().orElseThrow();

        assertThat(read.step()).isEqualTo(3);
        assertThat(read.position()).isEqualTo(6);
        assertThat(read.stageConfigHash()).isEqualTo("hash");
        assertThat(read.modelId()).isEqualTo("tiny");
        assertThat(read.metrics()).isEqualTo(written.metrics());
        assertThat(read.adapter().config()).isEqualTo(written.adapter().config());
        for (String name : List.of(A, B)) {
            assertThat(read.adapter().tensors().get(name).data())
                    .containsExactly(written.adapter().tensors().get(name).data());
            assertThat(read.optimizer().expAvg().get(name).data())
                    .containsExactly(written.optimizer().expAvg().get(name).data());
            assertThat(read.optimizer().expAvgSq().get(name).data())
                    .containsExactly(written.optimizer().expAvgSq().get(name).data());
        }
        assertThat(read.optimizer().step()).isEqualTo(3);
        assertThat(dir.resolve("step-3/adapter/adapter_model.safetensors")).exists();
        assertThat(dir.resolve("step-3/optimizer.safetensors")).exists();
    }

    @Test
    void latestSkipsIncompleteFoldersAndOldOnesArePruned() throws Exception {
        DistillCheckpoints ckpts =
                new DistillCheckpoints(
                        new org.apache.hadoop.fs.Path(dir.toUri()), new Configuration());
        assertThat(ckpts.latest()).isEmpty();
        ckpts.write(state(1), 11L, 2);
        ckpts.write(state(2), 11L, 2);
        ckpts.write(state(3), 11L, 2);
        assertThat(ckpts.steps()).containsExactly(2, 3);
        Files.createDirectories(dir.resolve("step-9/adapter")); // a copy that never got its state
        Files.createDirectories(dir.resolve("_tmp-123"));
        assertThat(ckpts.latest().orElseThrow().step()).isEqualTo(3);
        ckpts.clear();
        assertThat(ckpts.steps()).isEmpty();
    }

    @Test
    void aCorruptCheckpointIsReportedWithItsPath() throws Exception {
        DistillCheckpoints ckpts =
                new DistillCheckpoints(
                        new org.apache.hadoop.fs.Path(dir.toUri()), new Configuration());
        ckpts.write(state(2), 11L, 0);
        Files.write(dir.resolve("step-2/optimizer.safetensors"), new byte[] {1, 2, 3});
        assertThatThrownBy(ckpts::latest)
                .hasMessageContaining("Cannot read checkpoint")
                .hasMessageContaining("step-2")
                .hasMessageContaining("truncated header");
    }
}
