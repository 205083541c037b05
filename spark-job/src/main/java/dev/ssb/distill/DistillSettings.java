package dev.ssb.distill;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.worker.api.AdamWConfig;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.LossConfig;
import dev.ssb.worker.api.LrSchedule;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the distillation stage needs from the configuration, in a serializable form shipped with the
 * gradient tasks.
 *
 * @param checkpoint model.checkpoint (the frozen base)
 * @param useGpu model.device == gpu
 * @param dtype model.dtype
 * @param loraRank LoRA r
 * @param loraAlpha LoRA alpha
 * @param targetModules PEFT module names
 * @param lr peak AdamW learning rate
 * @param weightDecay AdamW decoupled weight decay
 * @param maxGradNorm global gradient-norm clip
 * @param warmupSteps linear warmup updates
 * @param schedule decay after warmup
 * @param batchSize global batch, in examples
 * @param epochs passes over the teacher_logits table
 * @param kdTemperature T of the KD loss (must equal the stored teacher temperature)
 * @param lambdaKd weight of T²·KL
 * @param lambdaCe weight of the reply cross-entropy
 * @param checkpointEvery steps between checkpoints
 * @param keepCheckpoints newest checkpoints kept, 0 = all
 * @param workers gradient shards per step, 0 = number of executors
 * @param syncEvery local steps per worker between averages; 1 = synchronous
 * @param logEvery steps between progress lines
 * @param runSeed the run seed (adapter initialisation and data order derive from it)
 * @param runId run_id column
 * @param configHash config_hash column
 */
public record DistillSettings(
        String checkpoint,
        boolean useGpu,
        Device.DType dtype,
        int loraRank,
        float loraAlpha,
        List<String> targetModules,
        double lr,
        double weightDecay,
        double maxGradNorm,
        int warmupSteps,
        LrSchedule schedule,
        int batchSize,
        int epochs,
        float kdTemperature,
        float lambdaKd,
        float lambdaCe,
        int checkpointEvery,
        int keepCheckpoints,
        int workers,
        int syncEvery,
        int logEvery,
        long runSeed,
        String runId,
        String configHash)
        implements Serializable {

    public DistillSettings {
        requireNonNull(checkpoint, "checkpoint is null");
        requireNonNull(dtype, "dtype is null");
        targetModules = List.copyOf(requireNonNull(targetModules, "targetModules is null"));
        requireNonNull(schedule, "schedule is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(configHash, "configHash is null");
        positive(batchSize, "batch_size");
        positive(epochs, "epochs");
        positive(checkpointEvery, "checkpoint_every");
        positive(logEvery, "log_every");
        positive(syncEvery, "sync_every");
        if (workers < 0) {
            throw new IllegalArgumentException("Invalid workers: " + workers + " (must be >= 0)");
        }
        if (keepCheckpoints < 0) {
            throw new IllegalArgumentException(
                    "Invalid keep_checkpoints: " + keepCheckpoints + " (must be >= 0)");
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException(
                    "Invalid warmup_steps: " + warmupSteps + " (must be >= 0)");
        }
        // validated on the driver, not in the first task (fields are not assigned yet)
        new LoraConfig(loraRank, loraAlpha, targetModules);
        new LossConfig(kdTemperature, lambdaKd, lambdaCe);
        adamW(lr, weightDecay, maxGradNorm, warmupSteps, schedule, warmupSteps + 1L);
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(
                    "Invalid " + name + ": " + value + " (must be >= 1)");
        }
    }

    /** Everything from the configuration. */
    public static DistillSettings from(SsbConfig config) {
        List<String> modules =
                Arrays.stream(config.string(SsbProperties.DISTILL_LORA_TARGET_MODULES).split(","))
                        .map(String::strip)
                        .filter(m -> !m.isEmpty())
                        .toList();
        return new DistillSettings(
                config.string(SsbProperties.MODEL_CHECKPOINT),
                config.useGpu(),
                config.dtype(),
                config.intValue(SsbProperties.DISTILL_LORA_RANK),
                (float) config.doubleValue(SsbProperties.DISTILL_LORA_ALPHA),
                modules,
                config.doubleValue(SsbProperties.DISTILL_LR),
                config.doubleValue(SsbProperties.DISTILL_WEIGHT_DECAY),
                config.doubleValue(SsbProperties.DISTILL_MAX_GRAD_NORM),
                config.intValue(SsbProperties.DISTILL_WARMUP_STEPS),
                LrSchedule.valueOf(
                        config.string(SsbProperties.DISTILL_SCHEDULE).toUpperCase(Locale.ROOT)),
                config.intValue(SsbProperties.DISTILL_BATCH_SIZE),
                config.intValue(SsbProperties.DISTILL_EPOCHS),
                (float) config.doubleValue(SsbProperties.DISTILL_KD_TEMPERATURE),
                (float) config.doubleValue(SsbProperties.DISTILL_LAMBDA_KD),
                (float) config.doubleValue(SsbProperties.DISTILL_LAMBDA_CE),
                config.intValue(SsbProperties.DISTILL_CHECKPOINT_EVERY),
                config.intValue(SsbProperties.DISTILL_KEEP_CHECKPOINTS),
                config.intValue(SsbProperties.DISTILL_WORKERS),
                config.intValue(SsbProperties.DISTILL_SYNC_EVERY),
                config.intValue(SsbProperties.DISTILL_LOG_EVERY),
                config.seed(),
                config.runId(),
                config.hash());
    }

    public LoraConfig lora() {
        return new LoraConfig(loraRank, loraAlpha, targetModules);
    }

    public LossConfig loss() {
        return new LossConfig(kdTemperature, lambdaKd, lambdaCe);
    }

    /**
     * AdamW with PyTorch's defaults (betas 0.9/0.999, eps 1e-8) and this run's rate, decay,
     * clipping and schedule over {@code totalSteps} updates.
     */
    public AdamWConfig adamW(long totalSteps) {
        return adamW(lr, weightDecay, maxGradNorm, warmupSteps, schedule, totalSteps);
    }

    private static AdamWConfig adamW(
            double lr,
            double weightDecay,
            double maxGradNorm,
            int warmupSteps,
            LrSchedule schedule,
            long totalSteps) {
        // a run shorter than its warmup never decays
        LrSchedule effective = totalSteps <= warmupSteps ? LrSchedule.CONSTANT : schedule;
        return new AdamWConfig(
                lr, 0.9, 0.999, 1e-8, weightDecay, maxGradNorm, warmupSteps, totalSteps, effective);
    }

    /** The device of a gradient task's model. */
    public Device device() {
        return dev.ssb.spark.GpuAssignment.forCurrentTask(useGpu, dtype);
    }
}
