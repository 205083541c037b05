package dev.ssb.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.LossConfig;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two tasks of one executor JVM computing gradients at the same time: DJL allows one open gradient
 * collector per process, so without the lock one of them would fail.
 */
class AutogradConcurrencyTest {

    @Test
    void concurrentShardsOnTwoModelsGiveTheSequentialResults() throws Exception {
        ModelConfig config = TinyModels.qwen2();
        LoraConfig lora = new LoraConfig(2, 4f, List.of("q_proj", "down_proj"));
        LossConfig loss = new LossConfig(2f, 1f, 0.1f);
        List<KdExample> batch = KdFixtures.examples(2, config.vocabSize(), 4, 2f, 5);
        List<Transformer> models = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 2; i++) {
                Transformer m = TinyModels.load(config, TinyModels.randomWeights(config, 10 + i));
                KdFixtures.apply(m, KdFixtures.adapter(config, lora, 0.2, 20 + i));
                models.add(m);
            }
            List<GradientResult> sequential = new ArrayList<>();
            for (Transformer m : models) {
                sequential.add(KdGradients.compute(m, batch, loss));
            }
            List<Future<List<GradientResult>>> futures = new ArrayList<>();
            for (Transformer m : models) {
                futures.add(
                        pool.submit(
                                () -> {
                                    List<GradientResult> out = new ArrayList<>();
                                    for (int r = 0; r < 4; r++) {
                                        out.add(KdGradients.compute(m, batch, loss));
                                    }
                                    return out;
                                }));
            }
            for (int i = 0; i < 2; i++) {
                for (GradientResult r : futures.get(i).get()) {
                    for (String name : r.gradientSums().keySet()) {
                        assertThat(r.gradientSums().get(name).data())
                                .as("model %s %s", i, name)
                                .containsExactly(sequential.get(i).gradientSums().get(name).data());
                    }
                }
            }
            assertThat(sequential.get(0).gradientSums().values().iterator().next().data())
                    .as("the two models differ, so a mix-up would show")
                    .isNotEqualTo(
                            sequential.get(1).gradientSums().values().iterator().next().data());
        } finally {
            pool.shutdownNow();
            for (Transformer m : models) {
                m.lora().close();
                m.close();
            }
        }
    }
}
