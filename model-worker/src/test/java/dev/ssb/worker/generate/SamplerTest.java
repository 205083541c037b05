package dev.ssb.worker.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ssb.worker.api.SamplingParams;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float[] LOGITS = {1.0f, 2.5f, -0.5f, 2.5f, 0.3f, 1.7f};
    private static final int DRAWS = 200_000;

    private static double[] frequencies(SamplingParams params, float[] logits) {
        Sampler sampler = new Sampler(params, 42);
        double[] f = new double[logits.length];
        for (int i = 0; i < DRAWS; i++) {
            f[sampler.pick(logits, 0, null, logits.length)] += 1.0 / DRAWS;
        }
        return f;
    }

    private static double[] softmax(float[] logits, double temperature, int... keep) {
        double[] p = new double[logits.length];
        double total = 0;
        for (int i : keep) {
            p[i] = Math.exp(logits[i] / temperature);
            total += p[i];
        }
        for (int i : keep) {
            p[i] /= total;
        }
        return p;
    }

    @Test
    void greedyIsArgmaxWithTiesToTheLowestId() {
        Sampler sampler = new Sampler(SamplingParams.greedy(5), 1);
        assertThat(sampler.pick(LOGITS, 0, null, LOGITS.length)).isEqualTo(1);
        // the same candidates handed in a different order, with ids
        float[] shuffled = {2.5f, 1.7f, 2.5f};
        assertThat(sampler.pick(shuffled, 0, new int[] {3, 5, 1}, 3)).isEqualTo(1);
        // offset selects a row of a [rows, vocab] block
        float[] block = {9f, 0f, 0f, 0f, 0f, 3f};
        assertThat(sampler.pick(block, 3, null, 3)).isEqualTo(2);
    }

    @Test
    void topKOneAndTinyTopPAreGreedy() {
        float[] logits = {0.1f, 0.7f, 0.69f, -2f};
        for (long seed = 0; seed < 200; seed++) {
            assertThat(
                            new Sampler(new SamplingParams(1.5f, 1, 1f, 5), seed)
                                    .pick(logits, 0, null, 4))
                    .isEqualTo(1);
            assertThat(
                            new Sampler(new SamplingParams(1.5f, 0, 1e-6f, 5), seed)
                                    .pick(logits, 0, null, 4))
                    .isEqualTo(1);
        }
    }

    @Test
    void frequenciesMatchTheSoftmaxAtTemperature() {
        for (float t : new float[] {0.7f, 1f, 2f}) {
            double[] f = frequencies(new SamplingParams(t, 0, 1f, 5), LOGITS);
            double[] p = softmax(LOGITS, t, 0, 1, 2, 3, 4, 5);
            for (int i = 0; i < p.length; i++) {
                assertThat(f[i]).as("T=%s id %s", t, i).isCloseTo(p[i], within(0.005));
            }
        }
    }

    @Test
    void topKRenormalisesOverTheKBest() {
        double[] f = frequencies(new SamplingParams(0.8f, 3, 1f, 5), LOGITS);
        double[] p = softmax(LOGITS, 0.8, 1, 3, 5);
        for (int i = 0; i < p.length; i++) {
            assertThat(f[i]).as("id %s", i).isCloseTo(p[i], within(0.005));
        }
    }

    @Test
    void topPKeepsTheSmallestNucleusReachingP() {
        // probabilities 0.5, 0.3, 0.15, 0.05 at T = 1
        float[] logits = {
            (float) Math.log(0.15),
            (float) Math.log(0.5),
            (float) Math.log(0.05),
            (float) Math.log(0.3)
        };
        double[] f = frequencies(new SamplingParams(1f, 0, 0.7f, 5), logits);
        assertThat(f[1]).isCloseTo(0.5 / 0.8, within(0.005));
        assertThat(f[3]).isCloseTo(0.3 / 0.8, within(0.005));
        assertThat(f[0]).isZero();
        assertThat(f[2]).isZero();
    }

    @Test
    void samplesDependOnlyOnSeedAndCandidatesNotOnTheirOrder() {
        SamplingParams params = new SamplingParams(0.9f, 4, 0.95f, 5);
        int[] ids = {0, 1, 2, 3, 4, 5};
        int[] permutedIds = {5, 3, 0, 4, 1, 2};
        float[] permuted = new float[6];
        for (int i = 0; i < 6; i++) {
            permuted[i] = LOGITS[permutedIds[i]];
        }
        Sampler a = new Sampler(params, 77);
        Sampler b = new Sampler(params, 77);
        Sampler c = new Sampler(params, 78);
        int differences = 0;
        for (int i = 0; i < 500; i++) {
            int x = a.pick(LOGITS, 0, ids, 6);
            assertThat(b.pick(permuted, 0, permutedIds, 6)).isEqualTo(x);
            differences += c.pick(LOGITS, 0, ids, 6) != x ? 1 : 0;
        }
        assertThat(differences).isGreaterThan(50);
    }
}
