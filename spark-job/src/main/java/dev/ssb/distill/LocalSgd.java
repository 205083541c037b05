package dev.ssb.distill;

import dev.ssb.spark.ExecutorModels;
import dev.ssb.worker.api.AdamW;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.Gradients;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * {@code distill.sync_every = H > 1}: local SGD. Each round of H steps, every worker starts from
 * the driver's adapter and AdamW state, takes H AdamW steps on its shards of the round's H batches
 * (its mean gradient, clipped locally), and returns its adapter and moments; the driver averages
 * them weighted by each worker's tokens in the round. One worker reproduces synchronous training
 * exactly; several trade that exactness for H times less communication. The reported grad norm of a
 * step is the token-weighted mean of the workers' local norms.
 */
final class LocalSgd {

    private LocalSgd() {}

    /** What every worker starts a round from. */
    record Start(AdapterPayload adapter, TensorMap expAvg, TensorMap expAvgSq, long step)
            implements Serializable {}

    /** What a worker returns: its state after the round and per-step sums. */
    record WorkerResult(
            AdapterPayload adapter,
            TensorMap expAvg,
            TensorMap expAvgSq,
            double[] kdSums,
            double[] ceSums,
            long[] tokens,
            int[] examples,
            double[] norms)
            implements Serializable {}

    /**
     * Runs one round over {@code batches} (one per step, from {@code firstStep}), updating {@code
     * params} and {@code adamW} in place.
     *
     * @return per-step metrics of the round, without wall time (filled in by the caller)
     */
    static List<WorkerResult> round(
            JavaSparkContext jsc,
            DistillSettings settings,
            long totalSteps,
            LoraConfig lora,
            Map<String, HostTensor> params,
            AdamW adamW,
            List<List<TrainExample>> batches,
            int workers) {
        int n = workers;
        for (List<TrainExample> b : batches) {
            n = Math.min(n, b.size()); // every worker takes every step, so moments stay aligned
        }
        List<List<byte[]>> perWorker = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            perWorker.add(new ArrayList<>());
        }
        for (List<TrainExample> b : batches) {
            List<List<TrainExample>> shards = DataOrder.shards(b, n);
            for (int w = 0; w < n; w++) {
                perWorker.get(w).add(ArrowShards.encode(shards.get(w)));
            }
        }
        AdamW.State state = adamW.exportState();
        Broadcast<Start> start =
                jsc.broadcast(
                        new Start(
                                AdapterPayload.of(lora, params),
                                TensorMap.of(state.expAvg()),
                                TensorMap.of(state.expAvgSq()),
                                state.step()));
        List<WorkerResult> results;
        try {
            results =
                    jsc.parallelize(perWorker, n)
                            .map(new Steps(settings, start, totalSteps))
                            .collect();
        } finally {
            start.destroy();
        }
        average(results, params, adamW, state.step() + batches.size());
        return results;
    }

    /** Replaces params and the optimizer state by the token-weighted mean of the workers'. */
    static void average(
            List<WorkerResult> results, Map<String, HostTensor> params, AdamW adamW, long step) {
        double[] weights = new double[results.size()];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            for (long t : results.get(i).tokens()) {
                weights[i] += t;
            }
            total += weights[i];
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= total;
        }
        params.putAll(mean(results.stream().map(r -> r.adapter().tensors()).toList(), weights));
        adamW.importState(
                new AdamW.State(
                        step,
                        mean(results.stream().map(r -> r.expAvg().toMap()).toList(), weights),
                        mean(results.stream().map(r -> r.expAvgSq().toMap()).toList(), weights)));
    }

    private static Map<String, HostTensor> mean(
            List<Map<String, HostTensor>> maps, double[] weights) {
        Map<String, HostTensor> out = new TreeMap<>();
        for (String name : maps.get(0).keySet()) {
            HostTensor first = maps.get(0).get(name);
            double[] acc = new double[first.size()];
            for (int i = 0; i < maps.size(); i++) {
                float[] d = maps.get(i).get(name).data();
                for (int j = 0; j < acc.length; j++) {
                    acc[j] += weights[i] * d[j];
                }
            }
            float[] values = new float[acc.length];
            for (int j = 0; j < acc.length; j++) {
                values[j] = (float) acc[j];
            }
            out.put(name, new HostTensor(first.shape().clone(), values));
        }
        return out;
    }

    /** A worker's H local steps on its resident model. */
    static final class Steps implements Function<List<byte[]>, WorkerResult> {
        private final DistillSettings settings;
        private final Broadcast<Start> start;
        private final long totalSteps;

        Steps(DistillSettings settings, Broadcast<Start> start, long totalSteps) {
            this.settings = settings;
            this.start = start;
            this.totalSteps = totalSteps;
        }

        @Override
        public WorkerResult call(List<byte[]> arrowShards) {
            List<List<TrainExample>> shards =
                    arrowShards.stream().map(ArrowShards::decode).toList();
            Start s = start.value();
            LoraConfig lora = s.adapter().config();
            Map<String, HostTensor> params = s.adapter().tensors();
            AdamW adamW = new AdamW(settings.adamW(totalSteps));
            adamW.importState(new AdamW.State(s.step(), s.expAvg().toMap(), s.expAvgSq().toMap()));
            int h = shards.size();
            double[] kd = new double[h];
            double[] ce = new double[h];
            long[] tokens = new long[h];
            int[] examples = new int[h];
            double[] norms = new double[h];
            ExecutorModels.withModel(
                    settings.checkpoint(),
                    settings.device(),
                    model -> {
                        try {
                            for (int i = 0; i < h; i++) {
                                List<KdExample> batch =
                                        GradientTasks.examples(shards.get(i), model);
                                model.setAdapter(new LoraAdapter(lora, params));
                                GradientResult r = model.computeGradients(batch, settings.loss());
                                norms[i] = adamW.step(params, Gradients.mean(r));
                                kd[i] = r.lossKdSum();
                                ce[i] = r.lossCeSum();
                                tokens[i] = r.tokens();
                                examples[i] = r.examples();
                            }
                        } finally {
                            model.setAdapter(null);
                        }
                        return null;
                    });
            AdamW.State end = adamW.exportState();
            return new WorkerResult(
                    AdapterPayload.of(lora, params),
                    TensorMap.of(end.expAvg()),
                    TensorMap.of(end.expAvgSq()),
                    kd,
                    ce,
                    tokens,
                    examples,
                    norms);
        }
    }
}
