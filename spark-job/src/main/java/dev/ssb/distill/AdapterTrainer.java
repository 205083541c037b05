package dev.ssb.distill;

import static java.util.Objects.requireNonNull;

import dev.ssb.spark.Seeds;
import dev.ssb.worker.api.LoraAdapter;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The skeleton shared by the driver-side trainers of a LoRA adapter (distill's and GRPO's): the
 * Spark context, the stage hash a checkpoint must match, the checkpoints and the step listener, the
 * shard count, the resume checks and the fresh adapter drawn on an executor.
 *
 * @param <D> what the trainer trains on
 * @param <M> one step's metrics
 */
public abstract class AdapterTrainer<D, M> {

    /** Called on the driver after every step (and its checkpoint); tests use it to "kill" a run. */
    @FunctionalInterface
    public interface StepListener<M> {
        void afterStep(M metrics);

        /** The listener that does nothing. */
        static <M> StepListener<M> none() {
            return m -> {};
        }
    }

    /**
     * What a training run returns.
     *
     * @param adapter the trained adapter
     * @param metrics one row per step, 1..total
     * @param modelId the base model's id
     * @param resumedFrom the checkpoint step the run continued from, 0 for a fresh run
     */
    public record Result<M>(
            LoraAdapter adapter, List<M> metrics, String modelId, int resumedFrom) {}

    protected final JavaSparkContext jsc;
    protected final String stageHash;
    protected final DistillCheckpoints checkpoints;
    protected final StepListener<M> listener;
    private final DistillSettings train;

    /**
     * @param train distill's settings: model, LoRA, seed, shard count
     */
    protected AdapterTrainer(
            JavaSparkContext jsc,
            DistillSettings train,
            String stageHash,
            DistillCheckpoints checkpoints,
            StepListener<M> listener) {
        this.jsc = requireNonNull(jsc, "jsc is null");
        this.train = requireNonNull(train, "settings is null");
        this.stageHash = requireNonNull(stageHash, "stageHash is null");
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
        this.listener = requireNonNull(listener, "listener is null");
    }

    /** Trains on {@code data}, from the latest checkpoint when {@code resume}. */
    public abstract Result<M> train(D data, boolean resume);

    /** Gradient shards per step: distill.workers, else one per executor. */
    public final int workers() {
        if (train.workers() > 0) {
            return train.workers();
        }
        if (jsc.sc().isLocal()) {
            return 1;
        }
        return Math.max(1, jsc.sc().getExecutorMemoryStatus().size() - 1); // minus the driver
    }

    /**
     * Refuses to resume {@code stage} from the checkpoint at {@code step} made with {@code hash}
     * when the stage's settings changed since or the run has fewer than {@code step} steps.
     */
    protected final void checkResumable(String stage, int step, String hash, int total) {
        if (!hash.equals(stageHash)) {
            throw new IllegalStateException(
                    String.format(
                            "Cannot resume %s from checkpoint step-%s: it was made with"
                                    + " stage config hash %s but the current one is %s (run"
                                    + " without --resume to start over)",
                            stage, step, hash, stageHash));
        }
        if (step > total) {
            throw new IllegalStateException(
                    String.format(
                            "Cannot resume %s from checkpoint step-%s: the run has only %s steps",
                            stage, step, total));
        }
    }

    /**
     * Removes the checkpoints and draws the initial adapter on an executor, seeded from the run
     * seed and {@code loraStream}.
     */
    protected final GradientTasks.Init.Result freshStart(String loraStream) {
        checkpoints.clear();
        long seed = Seeds.seed(train.runSeed(), loraStream, "adapter", 0);
        return jsc.parallelize(List.of(0), 1)
                .map(new GradientTasks.Init(train, seed))
                .collect()
                .get(0);
    }
}
