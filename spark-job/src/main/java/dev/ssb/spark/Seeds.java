package dev.ssb.spark;

import java.nio.charset.StandardCharsets;

/**
 * Per-sequence random seeds derived from the run seed and what the sequence is, never from where it
 * runs: the same (run seed, stream, problem id, sample index) gives the same seed in any partition,
 * executor or retry. SplitMix64's finalizer mixes a 64-bit FNV-1a hash of the strings.
 */
public final class Seeds {

    /** The rollout stream (the default of {@link #seed(long, String, int)}). */
    public static final String ROLLOUT = "rollout";

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    /** The seed of rollout {@code sampleIdx} of {@code problemId}. */
    public static long seed(long runSeed, String problemId, int sampleIdx) {
        return seed(runSeed, ROLLOUT, problemId, sampleIdx);
    }

    /**
     * The seed of sample {@code sampleIdx} of {@code problemId} in {@code stream} (e.g. rollout,
     * teacher, eval), so different stages never share a random stream.
     */
    public static long seed(long runSeed, String stream, String problemId, int sampleIdx) {
        long x = mix(runSeed + GOLDEN_GAMMA);
        x = mix(x ^ fnv1a64(stream));
        x = mix(x ^ fnv1a64(problemId));
        return mix(x + GOLDEN_GAMMA * (sampleIdx + 1L));
    }

    /** SplitMix64's output function: a bijection on 64-bit values with full avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long fnv1a64(String s) {
        long h = 0xCBF29CE484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001B3L;
        }
        return h;
    }
}
