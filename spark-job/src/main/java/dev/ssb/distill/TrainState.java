package dev.ssb.distill;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.AdamW;
import dev.ssb.worker.api.LoraAdapter;
import java.util.List;

/**
 * Everything a resumed run needs after {@code step} updates: the adapter, the optimizer's moments,
 * the metrics so far, and what they were made with. The data position follows from {@code step}
 * (see {@link DataOrder}) and is recorded for readers.
 *
 * @param step updates taken
 * @param epoch 0-based epoch of the next batch
 * @param position examples of that epoch already consumed
 * @param stageConfigHash the distill stage's config hash when the state was written
 * @param modelId the base model's id
 * @param adapter the LoRA weights after {@code step} updates
 * @param optimizer AdamW's state after {@code step} updates
 * @param metrics one row per update, steps 1..step
 */
record TrainState(
        int step,
        int epoch,
        int position,
        String stageConfigHash,
        String modelId,
        LoraAdapter adapter,
        AdamW.State optimizer,
        List<StepMetrics> metrics) {

    TrainState {
        requireNonNull(stageConfigHash, "stageConfigHash is null");
        requireNonNull(modelId, "modelId is null");
        requireNonNull(adapter, "adapter is null");
        requireNonNull(optimizer, "optimizer is null");
        metrics = List.copyOf(requireNonNull(metrics, "metrics is null"));
        if (step < 1) {
            throw new IllegalArgumentException("Invalid step: " + step + " (must be >= 1)");
        }
        if (optimizer.step() != step || metrics.size() != step) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid training state at step %s: optimizer at step %s, %s metrics"
                                    + " rows",
                            step, optimizer.step(), metrics.size()));
        }
    }
}
