package dev.ssb.grpo;

/**
 * Group-relative advantages (Shao et al. 2024, §4.1.2): each reply's reward minus its group's mean,
 * divided by the group's standard deviation plus {@link #EPS} (or not, with {@code scale} off, as
 * Dr. GRPO recommends). The standard deviation is the sample one (n − 1), as TRL computes it.
 */
final class Advantages {

    /** Added to the group's standard deviation, as TRL does. */
    static final double EPS = 1e-4;

    private Advantages() {}

    /**
     * Advantages of {@code rewards}, laid out group after group of {@code groupSize}.
     *
     * @throws IllegalArgumentException when the rewards do not fill whole groups
     */
    static float[] of(float[] rewards, int groupSize, boolean scale) {
        check(rewards, groupSize);
        float[] out = new float[rewards.length];
        for (int g = 0; g < rewards.length; g += groupSize) {
            double mean = 0;
            for (int i = g; i < g + groupSize; i++) {
                mean += rewards[i];
            }
            mean /= groupSize;
            double var = 0;
            for (int i = g; i < g + groupSize; i++) {
                var += (rewards[i] - mean) * (rewards[i] - mean);
            }
            double std = Math.sqrt(var / (groupSize - 1));
            for (int i = g; i < g + groupSize; i++) {
                double a = rewards[i] - mean;
                out[i] = (float) (scale ? a / (std + EPS) : a);
            }
        }
        return out;
    }

    /** Groups whose rewards are all equal: their advantages are 0, they carry no signal. */
    static int zeroSignalGroups(float[] rewards, int groupSize) {
        check(rewards, groupSize);
        int n = 0;
        for (int g = 0; g < rewards.length; g += groupSize) {
            boolean equal = true;
            for (int i = g + 1; i < g + groupSize && equal; i++) {
                equal = rewards[i] == rewards[g];
            }
            n += equal ? 1 : 0;
        }
        return n;
    }

    private static void check(float[] rewards, int groupSize) {
        if (groupSize < 2 || rewards.length % groupSize != 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid groups: %s rewards in groups of %s (group size must be >= 2"
                                    + " and divide the count)",
                            rewards.length, groupSize));
        }
    }
}
