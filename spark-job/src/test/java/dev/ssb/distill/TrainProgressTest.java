package dev.ssb.distill;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainProgressTest {

    private static StepMetrics step(int step, long tokens) {
        return new StepMetrics(
                step, 0, 0.5, 0.5, 1.25, 0.75, 2e-4, tokens, 4, tokens / 4.0, 2, 10, 0);
    }

    @Test
    void lineShowsStepLossThroughputAndEta() {
        // resumed at step 10 of 110: 10 steps done in 20 s leave 90 steps, 180 s
        TrainProgress p = new TrainProgress(10, 110, 3, 10);
        for (int s = 11; s <= 20; s++) {
            p.step(step(s, 100));
        }
        assertThat(p.line(step(20, 100), 20.0))
                .isEqualTo(
                        "distill step 20/110 (epoch 1/3): loss 0.5000 (kd 0.5000, ce 1.2500), grad"
                                + " norm 0.750, lr 2.00e-04, 50 tokens/s, ETA 3m00s");
    }
}
