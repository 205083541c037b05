package dev.ssb.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.api.TeacherLogitsRequest;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TeacherScorerTest {
    private static final int VALID = 50; // of 61 embedding rows
    private static Transformer model;

    @BeforeAll
    static void load() {
        ModelConfig config = TinyModels.qwen2();
        model = TinyModels.load(config, TinyModels.randomWeights(config, 8));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static final List<TeacherLogitsRequest> REQUESTS =
            List.of(
                    new TeacherLogitsRequest(new int[] {3, 4, 5, 6}, new int[] {7, 8, 9}),
                    new TeacherLogitsRequest(new int[] {10}, new int[] {11, 12, 13, 14, 15, 16}),
                    new TeacherLogitsRequest(
                            new int[] {20, 21, 22, 23, 24, 25, 26, 27}, new int[] {1}));

    /** Full logits [seq][validVocab] of one unpadded sequence. */
    private static float[][] fullLogits(int[] ids) {
        try (NDManager m = model.manager().newSubManager()) {
            long[] longs = Arrays.stream(ids).asLongStream().toArray();
            float[] flat =
                    model.logits(
                                    model.hidden(
                                            m.create(longs, new Shape(1, ids.length)),
                                            m.ones(new Shape(1, ids.length))),
                                    VALID)
                            .toFloatArray();
            float[][] out = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                out[t] = Arrays.copyOfRange(flat, t * VALID, (t + 1) * VALID);
            }
            return out;
        }
    }

    @Test
    void topKMatchesSortingTheFullLogitsOfEachReplyPosition() {
        float t = 2f;
        int k = 5;
        // a tiny token budget forces one request per forward pass; a large one batches all three
        for (int budget : new int[] {1, 1 << 14}) {
            List<TeacherLogits> out = new TeacherScorer(model, VALID, budget).score(REQUESTS, k, t);
            for (int r = 0; r < REQUESTS.size(); r++) {
                TeacherLogitsRequest req = REQUESTS.get(r);
                int p = req.promptIds().length;
                int[] seq =
                        IntStream.concat(
                                        Arrays.stream(req.promptIds()),
                                        Arrays.stream(req.replyIds()))
                                .toArray();
                float[][] full = fullLogits(seq);
                TeacherLogits got = out.get(r);
                assertThat(got.positions()).isEqualTo(req.replyIds().length);
                assertThat(got.k()).isEqualTo(k);
                for (int i = 0; i < got.positions(); i++) {
                    float[] row = full[p - 1 + i];
                    Integer[] sorted =
                            IntStream.range(0, VALID)
                                    .boxed()
                                    .sorted(Comparator.comparingDouble(j -> -row[j]))
                                    .toArray(Integer[]::new);
                    double max = Double.NEGATIVE_INFINITY;
                    for (float v : row) {
                        max = Math.max(max, v / t);
                    }
                    double sum = 0;
                    for (float v : row) {
                        sum += Math.exp(v / t - max);
                    }
                    assertThat(got.logSumExp()[i])
                            .isCloseTo((float) (max + Math.log(sum)), within(1e-4f));
                    for (int j = 0; j < k; j++) {
                        assertThat(got.topkIds()[i * k + j]).isEqualTo(sorted[j]);
                        assertThat(got.topkLogits()[i * k + j])
                                .isCloseTo(row[sorted[j]], within(1e-4f));
                    }
                }
            }
        }
    }

    @Test
    void kAtTheVocabularyGivesAFullDistributionSummingToOne() {
        float t = 0.7f;
        List<TeacherLogits> out = new TeacherScorer(model, VALID, 1 << 14).score(REQUESTS, 1000, t);
        for (TeacherLogits logits : out) {
            assertThat(logits.k()).isEqualTo(VALID);
            for (int i = 0; i < logits.positions(); i++) {
                double mass = 0;
                boolean[] seen = new boolean[VALID];
                for (int j = 0; j < VALID; j++) {
                    int id = logits.topkIds()[i * VALID + j];
                    assertThat(id).isBetween(0, VALID - 1);
                    seen[id] = true;
                    mass +=
                            Math.exp(
                                    logits.topkLogits()[i * VALID + j] / t - logits.logSumExp()[i]);
                    if (j > 0) {
                        assertThat(logits.topkLogits()[i * VALID + j])
                                .isLessThanOrEqualTo(logits.topkLogits()[i * VALID + j - 1]);
                    }
                }
                assertThat(mass).isCloseTo(1.0, within(1e-5));
                for (boolean s : seen) {
                    assertThat(s).isTrue();
                }
            }
        }
    }

    @Test
    void rejectsInvalidKOrTemperature() {
        TeacherScorer scorer = new TeacherScorer(model, VALID, 100);
        assertThatThrownBy(() -> scorer.score(REQUESTS, 0, 1f))
                .hasMessage("Invalid top_k: 0 (must be > 0)");
        assertThatThrownBy(() -> scorer.score(REQUESTS, 5, 0f))
                .hasMessage("Invalid temperature: 0.0 (must be > 0)");
    }

    @Test
    void leavesNoNativeArraysBehind() {
        int before = model.manager().getManagedArrays().size();
        new TeacherScorer(model, VALID, 8).score(REQUESTS, 3, 1f);
        assertThat(model.manager().getManagedArrays()).hasSize(before);
    }
}
