package dev.ssb.worker.model;

import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.RopeScaling;

/**
 * The rotary inverse frequencies of a config, as Hugging Face's {@code modeling_rope_utils}
 * computes them in float32: {@code 1 / theta^(2i / headDim)}, then the checkpoint's scaling.
 */
final class RotaryFrequencies {
    private RotaryFrequencies() {}

    /** {@code headDim / 2} inverse frequencies. */
    static float[] of(ModelConfig config) {
        int dim = config.headDim();
        int half = dim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            // as HF: float32 exponent, then 1 / theta^exponent rounded to float32
            float exponent = (float) (2 * i) / dim;
            inv[i] = (float) (1.0 / Math.pow(config.ropeTheta(), exponent));
        }
        RopeScaling s = config.ropeScaling();
        switch (s.type()) {
            case "default" -> {}
            case "linear" -> {
                for (int i = 0; i < half; i++) {
                    inv[i] = (float) (inv[i] / s.factor());
                }
            }
            case "llama3" -> llama3(inv, s);
            default -> throw new IllegalArgumentException("Invalid rope type: " + s.type());
        }
        return inv;
    }

    /**
     * Llama 3.1: long wavelengths (beyond {@code original / lowFreqFactor}) are divided by the
     * factor, short ones (below {@code original / highFreqFactor}) kept, and those between
     * interpolated smoothly.
     */
    private static void llama3(float[] inv, RopeScaling s) {
        double original = s.originalMaxPositionEmbeddings();
        double lowFreqWavelen = original / s.lowFreqFactor();
        double highFreqWavelen = original / s.highFreqFactor();
        for (int i = 0; i < inv.length; i++) {
            double f = inv[i];
            double wavelen = 2 * Math.PI / f;
            if (wavelen > lowFreqWavelen) {
                inv[i] = (float) (f / s.factor());
            } else if (wavelen >= highFreqWavelen) {
                double smooth =
                        (original / wavelen - s.lowFreqFactor())
                                / (s.highFreqFactor() - s.lowFreqFactor());
                inv[i] = (float) ((1 - smooth) * f / s.factor() + smooth * f);
            }
        }
    }
}
