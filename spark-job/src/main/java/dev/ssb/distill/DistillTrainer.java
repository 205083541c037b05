package dev.ssb.distill;

import static java.util.Objects.requireNonNull;

import dev.ssb.spark.Seeds;
import dev.ssb.worker.api.AdamW;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.Gradients;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's training loop. The driver owns the LoRA weights and AdamW; each step it broadcasts
 * the adapter, runs one task per shard of the global batch (each returns gradient sums over its
 * reply tokens), adds the shards, divides by the batch's tokens, and applies one clipped AdamW
 * update — exactly large-batch training, so the loss curve does not depend on the shard count.
 */
final class DistillTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(DistillTrainer.class);
    static final String LORA_STREAM = "distill-lora";

    /** Called on the driver after every step (and its checkpoint); tests use it to "kill" a run. */
    @FunctionalInterface
    interface StepListener {
        void afterStep(StepMetrics metrics);

        StepListener NONE = m -> {};
    }

    /**
     * @param adapter the trained adapter
     * @param metrics one row per step, 1..total
     * @param modelId the base model's id
     * @param resumedFrom the checkpoint step the run continued from, 0 for a fresh run
     */
    record Result(
            LoraAdapter adapter, List<StepMetrics> metrics, String modelId, int resumedFrom) {}

    private final JavaSparkContext jsc;
    private final DistillSettings settings;
    private final String stageHash;
    private final DistillCheckpoints checkpoints;
    private final StepListener listener;

    DistillTrainer(
            JavaSparkContext jsc,
            DistillSettings settings,
            String stageHash,
            DistillCheckpoints checkpoints,
            StepListener listener) {
        this.jsc = requireNonNull(jsc, "jsc is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.stageHash = requireNonNull(stageHash, "stageHash is null");
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
        this.listener = requireNonNull(listener, "listener is null");
    }

    /** Gradient shards per step: distill.workers, else one per executor. */
    int workers() {
        if (settings.workers() > 0) {
            return settings.workers();
        }
        if (jsc.sc().isLocal()) {
            return 1;
        }
        return Math.max(1, jsc.sc().getExecutorMemoryStatus().size() - 1); // minus the driver
    }

    Result train(List<TrainExample> data, boolean resume) {
        DataOrder order = new DataOrder(data.size(), settings.batchSize(), settings.runSeed());
        int perEpoch = order.stepsPerEpoch();
        int total = perEpoch * settings.epochs();
        AdamW adamW = new AdamW(settings.adamW(total));
        LoraConfig lora = settings.lora();
        Map<String, HostTensor> params;
        List<StepMetrics> metrics = new ArrayList<>();
        String modelId;
        int start = 0;
        Optional<TrainState> saved = resume ? checkpoints.latest() : Optional.empty();
        if (saved.isPresent()) {
            TrainState s = saved.get();
            if (!s.stageConfigHash().equals(stageHash)) {
                throw new IllegalStateException(
                        String.format(
                                "Cannot resume distill from checkpoint step-%s: it was made with"
                                        + " stage config hash %s but the current one is %s (run"
                                        + " without --resume to start over)",
                                s.step(), s.stageConfigHash(), stageHash));
            }
            if (s.step() > total) {
                throw new IllegalStateException(
                        String.format(
                                "Cannot resume distill from checkpoint step-%s: the run has only"
                                        + " %s steps",
                                s.step(), total));
            }
            params = AdapterPayload.of(s.adapter()).tensors();
            adamW.importState(s.optimizer());
            metrics.addAll(s.metrics());
            modelId = s.modelId();
            start = s.step();
            LOG.info(
                    "Resuming distill from checkpoint step-{} of {} (epoch {}, position {})",
                    start,
                    total,
                    s.epoch(),
                    s.position());
        } else {
            if (resume) {
                LOG.info(
                        "No checkpoint under {}: starting distill from step 0", checkpoints.root());
            } else if (!checkpoints.steps().isEmpty()) {
                LOG.info(
                        "Starting distill over: removing the checkpoints under {}",
                        checkpoints.root());
            }
            checkpoints.clear();
            long seed = Seeds.seed(settings.runSeed(), LORA_STREAM, "adapter", 0);
            GradientTasks.Init.Result init =
                    jsc.parallelize(List.of(0), 1)
                            .map(new GradientTasks.Init(settings, seed))
                            .collect()
                            .get(0);
            params = init.adapter().tensors();
            modelId = init.modelId();
        }
        int workers = workers();
        LOG.info(
                "Distilling {} examples: {} epochs x {} steps of {} examples, {} shards per step,"
                        + " LoRA r={} alpha={} on {} ({} parameters)",
                data.size(),
                settings.epochs(),
                perEpoch,
                settings.batchSize(),
                workers,
                lora.rank(),
                lora.alpha(),
                lora.targetModules(),
                params.values().stream().mapToLong(HostTensor::size).sum());
        Progress progress = new Progress(start, total, settings.logEvery());
        int[] permutation = null;
        int permutationEpoch = -1;
        for (int step = start + 1; step <= total; step++) {
            long t0 = System.nanoTime();
            int epoch = (step - 1) / perEpoch;
            int batchIndex = (step - 1) % perEpoch;
            if (epoch != permutationEpoch) {
                permutation = order.permutation(epoch);
                permutationEpoch = epoch;
            }
            List<TrainExample> batch = new ArrayList<>();
            for (int i : order.batch(permutation, batchIndex)) {
                batch.add(data.get(i));
            }
            List<List<TrainExample>> shards = DataOrder.shards(batch, workers);
            GradientResult sum = gradients(lora, params, shards);
            double norm = adamW.step(params, Gradients.mean(sum));
            double kd = sum.lossKdSum() / sum.tokens();
            double ce = sum.lossCeSum() / sum.tokens();
            StepMetrics m =
                    new StepMetrics(
                            step,
                            epoch,
                            settings.lambdaKd() * kd + settings.lambdaCe() * ce,
                            kd,
                            ce,
                            norm,
                            adamW.lastLr(),
                            sum.tokens(),
                            sum.examples(),
                            sum.tokens() / (double) sum.examples(),
                            shards.size(),
                            (System.nanoTime() - t0) / 1_000_000);
            metrics.add(m);
            if (step % settings.checkpointEvery() == 0 || step == total) {
                boolean epochDone = batchIndex + 1 == perEpoch;
                checkpoints.write(
                        new TrainState(
                                step,
                                epochDone ? epoch + 1 : epoch,
                                epochDone
                                        ? 0
                                        : Math.min(
                                                data.size(),
                                                (batchIndex + 1) * settings.batchSize()),
                                stageHash,
                                modelId,
                                new LoraAdapter(lora, params),
                                adamW.exportState(),
                                metrics),
                        settings.runSeed(),
                        settings.keepCheckpoints());
            }
            progress.step(m, settings.epochs());
            listener.afterStep(m);
        }
        return new Result(new LoraAdapter(lora, params), metrics, modelId, start);
    }

    private GradientResult gradients(
            LoraConfig lora, Map<String, HostTensor> params, List<List<TrainExample>> shards) {
        Broadcast<AdapterPayload> adapter = jsc.broadcast(AdapterPayload.of(lora, params));
        try {
            List<ShardGradient> results =
                    jsc.parallelize(shards, shards.size())
                            .map(new GradientTasks.Shard(settings, adapter))
                            .collect();
            return Gradients.sum(results.stream().map(ShardGradient::toResult).toList());
        } finally {
            adapter.destroy();
        }
    }

    /** The progress line every N steps: step, loss, tokens/s and ETA. */
    private static final class Progress {
        private final int start;
        private final int total;
        private final int every;
        private final long t0 = System.nanoTime();
        private long tokens;

        Progress(int start, int total, int every) {
            this.start = start;
            this.total = total;
            this.every = every;
        }

        void step(StepMetrics m, int epochs) {
            tokens += m.tokens();
            if (m.step() % every != 0 && m.step() != total) {
                return;
            }
            double seconds = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
            int done = m.step() - start;
            long eta = Math.round(seconds / done * (total - m.step()));
            LOG.info(
                    "distill step {}/{} (epoch {}/{}): loss {} (kd {}, ce {}), grad norm {}, lr {},"
                            + " {} tokens/s, ETA {}",
                    m.step(),
                    total,
                    m.epoch() + 1,
                    epochs,
                    String.format("%.4f", m.loss()),
                    String.format("%.4f", m.lossKd()),
                    String.format("%.4f", m.lossCe()),
                    String.format("%.3f", m.gradNorm()),
                    String.format("%.2e", m.lr()),
                    String.format("%.0f", tokens / seconds),
                    format(Duration.ofSeconds(eta)));
        }

        private static String format(Duration d) {
            return d.toHours() > 0
                    ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                    : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
        }
    }
}
