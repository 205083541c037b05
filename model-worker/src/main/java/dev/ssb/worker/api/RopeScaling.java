package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

/**
 * How a checkpoint rescales its rotary frequencies, as Hugging Face's {@code rope_scaling} (or
 * transformers 5's {@code rope_parameters}) says.
 *
 * @param type {@code default} (plain rotary), {@code linear} (every frequency divided by {@code
 *     factor}) or {@code llama3} (Llama 3.1's wavelength-dependent scaling)
 * @param factor the scaling factor (1 for {@code default})
 * @param lowFreqFactor llama3 only: wavelengths above {@code original / lowFreqFactor} are divided
 *     by {@code factor}
 * @param highFreqFactor llama3 only: wavelengths below {@code original / highFreqFactor} are kept
 * @param originalMaxPositionEmbeddings llama3 only: the pre-training context length
 */
public record RopeScaling(
        String type,
        double factor,
        double lowFreqFactor,
        double highFreqFactor,
        int originalMaxPositionEmbeddings) {

    /** Plain rotary embeddings. */
    public static final RopeScaling NONE = new RopeScaling("default", 1, 0, 0, 0);

    public RopeScaling {
        requireNonNull(type, "type is null");
        switch (type) {
            case "default" -> {}
            case "linear" -> positive(factor, "factor");
            case "llama3" -> {
                positive(factor, "factor");
                positive(lowFreqFactor, "low_freq_factor");
                if (!(highFreqFactor > lowFreqFactor)) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "Invalid rope high_freq_factor: %s (must be > low_freq_factor"
                                            + " %s)",
                                    highFreqFactor, lowFreqFactor));
                }
                positive(originalMaxPositionEmbeddings, "original_max_position_embeddings");
            }
            default ->
                    throw new IllegalArgumentException(
                            "Invalid rope type: " + type + " (supported: default, linear, llama3)");
        }
    }

    /** Linear position interpolation: every inverse frequency divided by {@code factor}. */
    public static RopeScaling linear(double factor) {
        return new RopeScaling("linear", factor, 0, 0, 0);
    }

    /** Llama 3.1's scaling (Llama 3.1/3.2 ship factor 8 or 32, 1, 4, 8192). */
    public static RopeScaling llama3(
            double factor, double lowFreqFactor, double highFreqFactor, int original) {
        return new RopeScaling("llama3", factor, lowFreqFactor, highFreqFactor, original);
    }

    public boolean isDefault() {
        return type.equals("default");
    }

    private static void positive(double value, String key) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    "Invalid rope " + key + ": " + value + " (must be > 0)");
        }
    }
}
