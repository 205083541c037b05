package dev.ssb.distill;

import dev.ssb.worker.api.AdamW;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.Gradients;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's training loop. The driver owns the LoRA weights and AdamW; each step it broadcasts
 * the adapter (torrent broadcast), runs one task per shard of the global batch on examples the
 * executors read and exchange themselves ({@link TrainData}), each returning gradient sums over its
 * reply tokens, which are added up on the executors (tree aggregation); the driver divides the one
 * sum it receives by the batch's tokens and applies one clipped AdamW update — exactly large-batch
 * training, so the loss curve does not depend on the shard count. Its traffic per step is one
 * adapter out and one gradient in, whatever the shard count, recorded as {@code driver_bytes}.
 */
final class DistillTrainer extends AdapterTrainer<TrainData, StepMetrics> {

    private static final Logger LOG = LoggerFactory.getLogger(DistillTrainer.class);
    static final String LORA_STREAM = "distill-lora";

    private final DistillSettings settings;
    private DriverTraffic traffic;

    DistillTrainer(
            JavaSparkContext jsc,
            DistillSettings settings,
            String stageHash,
            DistillCheckpoints checkpoints,
            StepListener<StepMetrics> listener) {
        super(jsc, settings, stageHash, checkpoints, listener);
        this.settings = settings;
    }

    /** Trains on {@code data}, from the latest checkpoint when {@code resume}. */
    @Override
    public Result<StepMetrics> train(TrainData data, boolean resume) {
        try (DriverTraffic t = DriverTraffic.attach(jsc.sc())) {
            traffic = t;
            return run(data, resume);
        } finally {
            traffic = null;
        }
    }

    private Result<StepMetrics> run(TrainData data, boolean resume) {
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
            checkResumable("distill", s.step(), s.stageConfigHash(), total);
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
            GradientTasks.Init.Result init = freshStart(LORA_STREAM);
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
        TrainProgress progress =
                new TrainProgress(start, total, settings.epochs(), settings.logEvery());
        Batches batches = new Batches(order);
        Loop loop = new Loop(data, total, perEpoch, workers, lora, params, adamW);
        int h = settings.syncEvery();
        for (int first = start + 1; first <= total; first += h) {
            long t0 = System.nanoTime();
            int last = Math.min(total, first + h - 1);
            List<int[]> round = new ArrayList<>();
            for (int step = first; step <= last; step++) {
                round.add(batches.of(step));
            }
            List<StepMetrics> done =
                    h == 1
                            ? List.of(syncStep(first, round.get(0), loop, t0))
                            : localRound(first, round, loop, t0);
            metrics.addAll(done);
            int every = settings.checkpointEvery();
            if (last / every > (first - 1) / every || last == total) {
                int batchIndex = (last - 1) % perEpoch;
                boolean epochDone = batchIndex + 1 == perEpoch;
                int epoch = (last - 1) / perEpoch;
                checkpoints.write(
                        new TrainState(
                                last,
                                epochDone ? epoch + 1 : epoch,
                                epochDone ? 0 : (batchIndex + 1) * settings.batchSize(),
                                stageHash,
                                modelId,
                                new LoraAdapter(lora, params),
                                adamW.exportState(),
                                metrics),
                        settings.runSeed(),
                        settings.keepCheckpoints());
            }
            for (StepMetrics m : done) {
                progress.step(m);
                listener.afterStep(m);
            }
        }
        return new Result<>(new LoraAdapter(lora, params), metrics, modelId, start);
    }

    /**
     * One synchronous step: the shards' gradient sums added up on the executors (tree aggregation,
     * the last addition on an executor too), so the driver receives one gradient and broadcasts one
     * adapter whatever the number of shards; averaged over tokens; one update.
     */
    private StepMetrics syncStep(int step, int[] batch, Loop loop, long t0) {
        List<List<Integer>> shards =
                DataOrder.shards(Arrays.stream(batch).boxed().toList(), loop.workers());
        int[][][] plan = new int[shards.size()][1][];
        for (int w = 0; w < plan.length; w++) {
            plan[w][0] = shards.get(w).stream().mapToInt(Integer::intValue).toArray();
        }
        AdapterPayload payload = AdapterPayload.of(loop.lora(), loop.params());
        String key = "step-" + step;
        GradientResult sum =
                traffic.during(
                        key,
                        () -> {
                            Broadcast<AdapterPayload> adapter = jsc.broadcast(payload);
                            try {
                                return loop.data()
                                        .gather(plan)
                                        .map(new GradientTasks.Shard(settings, adapter))
                                        .treeAggregate(
                                                ShardGradient.empty(),
                                                ShardGradient::plus,
                                                ShardGradient::plus,
                                                2,
                                                true)
                                        .toResult();
                            } finally {
                                adapter.destroy();
                            }
                        });
        long driverBytes = payload.bytes() + traffic.resultBytes(key);
        double norm = loop.adamW().step(loop.params(), Gradients.mean(sum));
        return metrics(
                step,
                loop.perEpoch(),
                sum.lossKdSum(),
                sum.lossCeSum(),
                sum.tokens(),
                sum.examples(),
                norm,
                loop.adamW().lastLr(),
                shards.size(),
                (System.nanoTime() - t0) / 1_000_000,
                driverBytes);
    }

    /**
     * One local-SGD round (see {@link LocalSgd}); step times and driver bytes are the round's
     * share.
     */
    private List<StepMetrics> localRound(int first, List<int[]> round, Loop loop, long t0) {
        String key = "round-" + first;
        // the broadcast start: adapter and both moments, each the adapter's size
        long startBytes = 3 * AdapterPayload.of(loop.lora(), loop.params()).bytes();
        LocalSgd.Sum r =
                traffic.during(
                        key,
                        () ->
                                LocalSgd.round(
                                        jsc,
                                        settings,
                                        loop.total(),
                                        loop.lora(),
                                        loop.params(),
                                        loop.adamW(),
                                        loop.data(),
                                        round,
                                        loop.workers()));
        long driverBytes = (startBytes + traffic.resultBytes(key)) / round.size();
        long ms = (System.nanoTime() - t0) / 1_000_000 / round.size();
        List<StepMetrics> out = new ArrayList<>();
        for (int i = 0; i < round.size(); i++) {
            int step = first + i;
            out.add(
                    metrics(
                            step,
                            loop.perEpoch(),
                            r.kdSums()[i],
                            r.ceSums()[i],
                            r.tokens()[i],
                            r.examples()[i],
                            r.weightedNorms()[i] / r.tokens()[i],
                            loop.adamW().config().lrAt(step - 1),
                            r.workers(),
                            ms,
                            driverBytes));
        }
        return out;
    }

    private StepMetrics metrics(
            int step,
            int perEpoch,
            double kdSum,
            double ceSum,
            long tokens,
            int examples,
            double norm,
            double lr,
            int workers,
            long ms,
            long driverBytes) {
        double kd = kdSum / tokens;
        double ce = ceSum / tokens;
        return new StepMetrics(
                step,
                (step - 1) / perEpoch,
                settings.lambdaKd() * kd + settings.lambdaCe() * ce,
                kd,
                ce,
                norm,
                lr,
                tokens,
                examples,
                tokens / (double) examples,
                workers,
                ms,
                driverBytes);
    }

    /** What every step of one training run works on: the data, its shape and the state. */
    private record Loop(
            TrainData data,
            int total,
            int perEpoch,
            int workers,
            LoraConfig lora,
            Map<String, HostTensor> params,
            AdamW adamW) {}

    /** The example indices of each step's global batch ({@link DataOrder}), one epoch cached. */
    private static final class Batches {
        private final DataOrder order;
        private int[] permutation;
        private int epoch = -1;

        Batches(DataOrder order) {
            this.order = order;
        }

        int[] of(int step) {
            int e = (step - 1) / order.stepsPerEpoch();
            if (e != epoch) {
                permutation = order.permutation(e);
                epoch = e;
            }
            return order.batch(permutation, (step - 1) % order.stepsPerEpoch());
        }
    }
}
