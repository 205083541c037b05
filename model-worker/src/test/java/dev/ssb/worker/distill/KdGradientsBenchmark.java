package dev.ssb.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.LossConfig;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time of one shard's KD gradient on a small model; opt-in with {@code -Dssb.bench=true} (it takes
 * tens of seconds on 2 shared cores).
 */
class KdGradientsBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(KdGradientsBenchmark.class);

    @Test
    void kdGradientThroughput() {
        assumeTrue(Boolean.getBoolean("ssb.bench"), "benchmark: run with -Dssb.bench=true");
        ModelConfig config = TinyModels.qwen2(256, 4, 4, 2, 4096);
        LoraConfig lora = new LoraConfig(16, 32f, LoraConfig.ALL_MODULES);
        List<KdExample> batch = new ArrayList<>();
        for (KdExample e : KdFixtures.examples(4, config.vocabSize(), 32, 2f, 1)) {
            // stretch to realistic lengths: 64 prompt + 192 reply tokens per example
            batch.add(stretch(e, 64, 192, config.vocabSize()));
        }
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 1))) {
            KdFixtures.apply(model, KdFixtures.adapter(config, lora, 0.0, 2));
            GradientResult warm = KdGradients.compute(model, batch, LossConfig.paper());
            int runs = 3;
            long start = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                KdGradients.lossSums(model, batch, LossConfig.paper(), config.vocabSize());
            }
            double forwardMs = (System.nanoTime() - start) / 1e6 / runs;
            start = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                KdGradients.compute(model, batch, LossConfig.paper());
            }
            double ms = (System.nanoTime() - start) / 1e6 / runs;
            LOG.info("KD loss forward only: {} ms/shard", String.format("%.1f", forwardMs));
            LOG.info(
                    "KD gradient: {} examples, {} reply tokens, {} LoRA params: {} ms/shard,"
                            + " {} tokens/s",
                    batch.size(),
                    warm.tokens(),
                    warm.gradientSums().values().stream().mapToInt(t -> t.size()).sum(),
                    String.format("%.1f", ms),
                    String.format("%.0f", warm.tokens() / (ms / 1000)));
            assertThat(warm.tokens()).isEqualTo(4 * 192);
            model.lora().close();
        }
    }

    private static KdExample stretch(KdExample e, int promptLen, int replyLen, int vocab) {
        List<KdExample> one = KdFixtures.examples(1, vocab, e.teacher().k(), 2f, promptLen);
        int k = e.teacher().k();
        int[] prompt = new int[promptLen];
        int[] reply = new int[replyLen];
        int[] ids = new int[replyLen * k];
        float[] logits = new float[replyLen * k];
        float[] lse = new float[replyLen];
        KdExample src = one.get(0);
        int srcLen = src.replyIds().length;
        for (int i = 0; i < promptLen; i++) {
            prompt[i] = (i * 31 + 7) % vocab;
        }
        for (int j = 0; j < replyLen; j++) {
            int s = j % srcLen;
            reply[j] = src.replyIds()[s];
            System.arraycopy(src.teacher().topkIds(), s * k, ids, j * k, k);
            System.arraycopy(src.teacher().topkLogits(), s * k, logits, j * k, k);
            lse[j] = src.teacher().logSumExp()[s];
        }
        return new KdExample(prompt, reply, new TeacherLogits(k, 2f, ids, logits, lse));
    }
}
