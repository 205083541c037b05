package dev.ssb.distill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArrowShardsTest {

    private static TrainExample example(String id, int reply, int k, float scale) {
        int[] prompt = new int[3 + reply];
        int[] replyIds = new int[reply];
        int[] topk = new int[reply * k];
        float[] logits = new float[reply * k];
        float[] lse = new float[reply];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 100 + i;
        }
        for (int i = 0; i < reply; i++) {
            replyIds[i] = 7 * i + 1;
            lse[i] = scale * i - 0.5f;
            for (int j = 0; j < k; j++) {
                topk[i * k + j] = i * k + j;
                logits[i * k + j] = scale * (k - j) + Float.MIN_VALUE;
            }
        }
        return new TrainExample(id, prompt, replyIds, topk, logits, lse, k, 2f);
    }

    @Test
    void roundTripsEveryColumnExactly() {
        List<TrainExample> shard =
                List.of(
                        example("gsm8k:ä1", 5, 3, 1.5f),
                        example("p2", 1, 3, -3e-7f),
                        example("p3", 9, 3, 1e30f));
        byte[] bytes = ArrowShards.encode(shard);
        List<TrainExample> back = ArrowShards.decode(bytes);

        assertThat(back).hasSize(3);
        for (int i = 0; i < 3; i++) {
            TrainExample a = shard.get(i);
            TrainExample b = back.get(i);
            assertThat(b.problemId()).isEqualTo(a.problemId());
            assertThat(b.studentPromptIds()).containsExactly(a.studentPromptIds());
            assertThat(b.replyIds()).containsExactly(a.replyIds());
            assertThat(b.topkIds()).containsExactly(a.topkIds());
            assertThat(b.topkLogits()).containsExactly(a.topkLogits());
            assertThat(b.logSumExp()).containsExactly(a.logSumExp());
            assertThat(b.k()).isEqualTo(3);
            assertThat(b.temperature()).isEqualTo(2f);
        }
    }

    @Test
    void anEmptyShardStaysEmpty() {
        assertThat(ArrowShards.decode(ArrowShards.encode(List.of()))).isEmpty();
    }
}
