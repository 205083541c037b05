package dev.ssb.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdvantagesTest {

    @Test
    void advantagesAreGroupRelativeAndScaledByTheSampleStd() {
        // group 1: one correct of four: mean 0.25, sample std sqrt(0.25) = 0.5
        // group 2: all correct; group 3: none correct; group 4: half
        float[] rewards = {1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0};
        float[] a = Advantages.of(rewards, 4, true);
        double std1 = Math.sqrt((0.75 * 0.75 + 3 * 0.25 * 0.25) / 3);
        assertThat((double) a[0]).isCloseTo(0.75 / (std1 + Advantages.EPS), within(1e-6));
        assertThat((double) a[1]).isCloseTo(-0.25 / (std1 + Advantages.EPS), within(1e-6));
        for (int i = 4; i < 12; i++) {
            assertThat(a[i]).as("zero-signal group, index %s", i).isZero();
        }
        double std4 = Math.sqrt(4 * 0.25 / 3);
        assertThat((double) a[12]).isCloseTo(0.5 / (std4 + Advantages.EPS), within(1e-6));
        assertThat((double) a[13]).isCloseTo(-0.5 / (std4 + Advantages.EPS), within(1e-6));
        double sum = 0;
        for (float v : a) {
            sum += v;
        }
        assertThat(sum).as("each group's advantages sum to 0").isCloseTo(0, within(1e-5));

        assertThat(Advantages.zeroSignalGroups(rewards, 4)).isEqualTo(2);
    }

    @Test
    void withoutScalingAdvantagesAreRewardMinusGroupMean() {
        float[] rewards = {1, 0, 0, 0, 0.5f, 0.5f};
        float[] a = Advantages.of(rewards, 2, false);
        assertThat(a).containsExactly(0.5f, -0.5f, 0f, 0f, 0f, 0f);
        assertThat(Advantages.zeroSignalGroups(rewards, 2)).isEqualTo(2);
        assertThat(Advantages.zeroSignalGroups(new float[] {0, 1, 1, 1}, 4)).isZero();
    }

    @Test
    void rejectsRewardsThatDoNotFillWholeGroups() {
        assertThatThrownBy(() -> Advantages.of(new float[5], 2, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Invalid groups: 5 rewards in groups of 2 (group size must be >= 2 and"
                                + " divide the count)");
        assertThatThrownBy(() -> Advantages.zeroSignalGroups(new float[2], 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
