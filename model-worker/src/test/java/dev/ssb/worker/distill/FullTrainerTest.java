package dev.ssb.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.AdamWConfig;
import dev.ssb.worker.api.LrSchedule;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FullTrainerTest {

    @Test
    void memorisesATinyDataset() {
        ModelConfig config = TinyModels.qwen2();
        List<SftExample> data =
                List.of(
                        new SftExample(new int[] {3, 4, 5}, new int[] {10, 11, 12, 2}),
                        new SftExample(new int[] {6, 7}, new int[] {20, 21, 2}),
                        new SftExample(new int[] {8, 9, 1, 4}, new int[] {30, 31, 32, 33, 2}));
        AdamWConfig adam =
                new AdamWConfig(1e-2, 0.9, 0.999, 1e-8, 0.0, 1.0, 2, 40, LrSchedule.LINEAR);
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 8));
                FullTrainer trainer = new FullTrainer(model, adam)) {
            float embedBefore = model.parameters().get("model.embed_tokens.weight").getFloat(10, 0);
            double initial = trainer.loss(data);
            assertThat(initial).isGreaterThan(2.0); // ~ln(61) for a random model
            FullTrainer.Stats first = trainer.step(data);
            assertThat(first.loss())
                    .isCloseTo(initial, org.assertj.core.data.Percentage.withPercentage(1e-3));
            assertThat(first.tokens()).isEqualTo(12);
            assertThat(first.lr()).isEqualTo(5e-3); // first warmup step
            assertThat(first.gradNorm()).isGreaterThan(0);
            FullTrainer.Stats last = first;
            for (int i = 1; i < 40; i++) {
                last = trainer.step(data);
            }
            double trained = trainer.loss(data);
            assertThat(trained).isLessThan(0.1 * initial);
            assertThat(last.loss()).isLessThan(first.loss());
            assertThat(trainer.stepCount()).isEqualTo(40);
            // every base weight was trained, not only a head
            Map<String, ai.djl.ndarray.NDArray> params = model.parameters();
            assertThat(params.get("model.embed_tokens.weight").getFloat(10, 0))
                    .isNotEqualTo(embedBefore);
        }
    }
}
