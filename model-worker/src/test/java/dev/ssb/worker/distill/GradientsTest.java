package dev.ssb.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.Gradients;
import dev.ssb.worker.api.HostTensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientsTest {

    private static GradientResult shard(float a0, float a1, float b, double kd, long tokens) {
        return new GradientResult(
                Map.of(
                        "a", new HostTensor(new long[] {2}, new float[] {a0, a1}),
                        "b", new HostTensor(new long[] {1, 1}, new float[] {b})),
                kd,
                0.5,
                tokens,
                1);
    }

    @Test
    void sumsShardsAndAveragesByTotalTokens() {
        GradientResult one = shard(1f, 2f, 3f, 4.0, 3);
        GradientResult total = Gradients.sum(List.of(one, shard(5f, -2f, 1f, 2.0, 5)));
        assertThat(total.gradientSums().get("a").data()).containsExactly(6f, 0f);
        assertThat(total.gradientSums().get("b").shape()).containsExactly(1, 1);
        assertThat(total.lossKdSum()).isEqualTo(6.0);
        assertThat(total.lossCeSum()).isEqualTo(1.0);
        assertThat(total.tokens()).isEqualTo(8);
        assertThat(total.examples()).isEqualTo(2);
        assertThat(one.gradientSums().get("a").data())
                .as("inputs untouched")
                .containsExactly(1f, 2f);

        Map<String, HostTensor> mean = Gradients.mean(total);
        assertThat(mean.get("a").data()).containsExactly(0.75f, 0f);
        assertThat(mean.get("b").data()).containsExactly(0.5f);
    }

    @Test
    void rejectsShardsThatDisagree() {
        GradientResult other = new GradientResult(Map.of("a", HostTensor.zeros(3)), 0, 0, 1, 1);
        assertThatThrownBy(() -> Gradients.sum(List.of(shard(1, 1, 1, 1, 1), other)))
                .hasMessageStartingWith("Cannot sum gradients: shard has [a], expected [a, b]");
        assertThatThrownBy(() -> Gradients.sum(List.of()))
                .hasMessage("Cannot sum gradients: no shards");
        assertThatThrownBy(() -> Gradients.mean(new GradientResult(Map.of(), 0, 0, 0, 0)))
                .hasMessage("Cannot average gradients over 0 tokens");
    }
}
