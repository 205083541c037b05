package dev.ssb.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.AdamW;
import dev.ssb.worker.api.AdamWConfig;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LocalSgdTest {

    private static final LoraConfig LORA = new LoraConfig(1, 1f, List.of("q_proj"));

    private static LocalSgd.WorkerResult worker(float param, float m, float v, long... tokens) {
        Map<String, HostTensor> p =
                Map.of("w", new HostTensor(new long[] {2}, new float[] {param, 2 * param}));
        return new LocalSgd.WorkerResult(
                AdapterPayload.of(LORA, p),
                TensorMap.of(Map.of("w", new HostTensor(new long[] {2}, new float[] {m, m}))),
                TensorMap.of(Map.of("w", new HostTensor(new long[] {2}, new float[] {v, v}))),
                new double[tokens.length],
                new double[tokens.length],
                tokens,
                new int[tokens.length],
                new double[tokens.length]);
    }

    @Test
    void averagesParametersAndMomentsWeightedByTheWorkersTokens() {
        Map<String, HostTensor> params = new TreeMap<>();
        params.put("w", new HostTensor(new long[] {2}, new float[] {0, 0}));
        AdamW adamW = new AdamW(AdamWConfig.defaults(10));

        // worker 0 saw 1 + 1 tokens, worker 1 saw 3 + 3: weights 1/4 and 3/4
        LocalSgd.average(
                List.of(worker(4f, 8f, 0.4f, 1, 1), worker(8f, 4f, 0.8f, 3, 3)), params, adamW, 2);

        assertThat(params.get("w").data()).containsExactly(7f, 14f);
        AdamW.State state = adamW.exportState();
        assertThat(state.step()).isEqualTo(2);
        assertThat(state.expAvg().get("w").data()).containsExactly(5f, 5f);
        assertThat(state.expAvgSq().get("w").data()[0])
                .isCloseTo(0.7f, org.assertj.core.data.Offset.offset(1e-7f));
    }
}
