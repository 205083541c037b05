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
import java.util.Arrays;
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
 * exactly; several trade that exactness for H times less communication. Workers' states are added
 * up on the executors (tree aggregation), so the driver's traffic per round is one state in and one
 * out (adapter and both moments: 3 × the adapter each way) whatever the number of workers. The
 * reported grad norm of a step is the token-weighted mean of the workers' local norms.
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
     * Runs one round over {@code batches} (example indices of {@code data}, one batch per step,
     * from the round's first step), updating {@code params} and {@code adamW} in place. The
     * workers' states are summed on the executors ({@link Sum}), so the driver receives one state
     * and sends one, whatever the number of workers.
     *
     * @return the round's sums over workers; {@code workers()} says how many took part
     */
    static Sum round(
            JavaSparkContext jsc,
            DistillSettings settings,
            long totalSteps,
            LoraConfig lora,
            Map<String, HostTensor> params,
            AdamW adamW,
            TrainData data,
            List<int[]> batches,
            int workers) {
        int n = workers;
        for (int[] b : batches) {
            n = Math.min(n, b.length); // every worker takes every step, so moments stay aligned
        }
        int[][][] plan = new int[n][batches.size()][];
        for (int s = 0; s < batches.size(); s++) {
            List<List<Integer>> shards =
                    DataOrder.shards(Arrays.stream(batches.get(s)).boxed().toList(), n);
            for (int w = 0; w < n; w++) {
                plan[w][s] = shards.get(w).stream().mapToInt(Integer::intValue).toArray();
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
        Sum sum;
        try {
            sum =
                    data.gather(plan)
                            .map(new Steps(settings, start, totalSteps))
                            .treeAggregate(
                                    Sum.EMPTY, (acc, r) -> acc.plus(Sum.of(r)), Sum::plus, 2, true);
        } finally {
            start.destroy();
        }
        sum.apply(params, adamW, state.step() + batches.size());
        return sum;
    }

    /** Replaces params and the optimizer state by the token-weighted mean of the workers'. */
    static void average(
            List<WorkerResult> results, Map<String, HostTensor> params, AdamW adamW, long step) {
        Sum sum = Sum.EMPTY;
        for (WorkerResult r : results) {
            sum = sum.plus(Sum.of(r));
        }
        sum.apply(params, adamW, step);
    }

    /**
     * Workers' round results added up: per-step loss sums, tokens, examples and token-weighted
     * norms, and their states weighted by each worker's tokens in the round. A single worker's
     * state is kept as it is, so one worker reproduces synchronous training bit for bit.
     *
     * @param workers results added
     * @param weight Σ of the workers' tokens in the round
     * @param adapter the one worker's adapter, or Σ tokens · adapter
     * @param expAvg likewise for the first moments
     * @param expAvgSq likewise for the second moments
     * @param weightedNorms per step, Σ over workers of norm · tokens
     */
    record Sum(
            int workers,
            double weight,
            AdapterPayload adapter,
            TensorMap expAvg,
            TensorMap expAvgSq,
            double[] kdSums,
            double[] ceSums,
            long[] tokens,
            int[] examples,
            double[] weightedNorms)
            implements Serializable {

        static final Sum EMPTY = new Sum(0, 0, null, null, null, null, null, null, null, null);

        static Sum of(WorkerResult r) {
            double w = 0;
            double[] norms = new double[r.tokens().length];
            for (int i = 0; i < norms.length; i++) {
                w += r.tokens()[i];
                norms[i] = r.norms()[i] * r.tokens()[i];
            }
            return new Sum(
                    1,
                    w,
                    r.adapter(),
                    r.expAvg(),
                    r.expAvgSq(),
                    r.kdSums().clone(),
                    r.ceSums().clone(),
                    r.tokens().clone(),
                    r.examples().clone(),
                    norms);
        }

        Sum plus(Sum o) {
            if (o.workers == 0) {
                return this;
            }
            if (workers == 0) {
                return o;
            }
            Sum a = weighted();
            Sum b = o.weighted();
            int h = kdSums.length;
            double[] kd = new double[h];
            double[] ce = new double[h];
            long[] t = new long[h];
            int[] ex = new int[h];
            double[] norms = new double[h];
            for (int i = 0; i < h; i++) {
                kd[i] = kdSums[i] + o.kdSums[i];
                ce[i] = ceSums[i] + o.ceSums[i];
                t[i] = tokens[i] + o.tokens[i];
                ex[i] = examples[i] + o.examples[i];
                norms[i] = weightedNorms[i] + o.weightedNorms[i];
            }
            return new Sum(
                    workers + o.workers,
                    weight + o.weight,
                    new AdapterPayload(
                            adapter.rank(),
                            adapter.alpha(),
                            adapter.modules(),
                            adapter.names(),
                            adapter.shapes(),
                            add(a.adapter.data(), b.adapter.data())),
                    new TensorMap(
                            expAvg.names(), expAvg.shapes(), add(a.expAvg.data(), b.expAvg.data())),
                    new TensorMap(
                            expAvgSq.names(),
                            expAvgSq.shapes(),
                            add(a.expAvgSq.data(), b.expAvgSq.data())),
                    kd,
                    ce,
                    t,
                    ex,
                    norms);
        }

        /** This sum with a single worker's state multiplied by its weight (sums already are). */
        private Sum weighted() {
            if (workers != 1) {
                return this;
            }
            return new Sum(
                    1,
                    weight,
                    new AdapterPayload(
                            adapter.rank(),
                            adapter.alpha(),
                            adapter.modules(),
                            adapter.names(),
                            adapter.shapes(),
                            scale(adapter.data(), weight)),
                    new TensorMap(expAvg.names(), expAvg.shapes(), scale(expAvg.data(), weight)),
                    new TensorMap(
                            expAvgSq.names(), expAvgSq.shapes(), scale(expAvgSq.data(), weight)),
                    kdSums,
                    ceSums,
                    tokens,
                    examples,
                    weightedNorms);
        }

        /** Sets params and the optimizer state to the workers' token-weighted mean. */
        void apply(Map<String, HostTensor> params, AdamW adamW, long step) {
            if (workers == 0) {
                throw new IllegalStateException("Cannot average a local-SGD round: no workers");
            }
            double inv = workers == 1 ? 1 : 1 / weight;
            params.putAll(toMap(adapter.names(), adapter.shapes(), adapter.data(), inv));
            adamW.importState(
                    new AdamW.State(
                            step,
                            toMap(expAvg.names(), expAvg.shapes(), expAvg.data(), inv),
                            toMap(expAvgSq.names(), expAvgSq.shapes(), expAvgSq.data(), inv)));
        }

        private static List<float[]> add(List<float[]> a, List<float[]> b) {
            List<float[]> out = new ArrayList<>(a.size());
            for (int i = 0; i < a.size(); i++) {
                float[] x = a.get(i);
                float[] y = b.get(i);
                float[] z = new float[x.length];
                for (int j = 0; j < z.length; j++) {
                    z[j] = x[j] + y[j];
                }
                out.add(z);
            }
            return out;
        }

        private static List<float[]> scale(List<float[]> a, double f) {
            List<float[]> out = new ArrayList<>(a.size());
            for (float[] x : a) {
                float[] z = new float[x.length];
                for (int j = 0; j < z.length; j++) {
                    z[j] = (float) (x[j] * f);
                }
                out.add(z);
            }
            return out;
        }

        private static Map<String, HostTensor> toMap(
                List<String> names, List<long[]> shapes, List<float[]> data, double f) {
            Map<String, HostTensor> out = new TreeMap<>();
            for (int i = 0; i < names.size(); i++) {
                float[] d = data.get(i);
                float[] v = new float[d.length];
                for (int j = 0; j < v.length; j++) {
                    v[j] = f == 1 ? d[j] : (float) (d[j] * f);
                }
                out.put(names.get(i), new HostTensor(shapes.get(i).clone(), v));
            }
            return out;
        }
    }

    /** A worker's H local steps on its resident model. */
    static final class Steps implements Function<List<List<TrainExample>>, WorkerResult> {
        private final DistillSettings settings;
        private final Broadcast<Start> start;
        private final long totalSteps;

        Steps(DistillSettings settings, Broadcast<Start> start, long totalSteps) {
            this.settings = settings;
            this.start = start;
            this.totalSteps = totalSteps;
        }

        @Override
        public WorkerResult call(List<List<TrainExample>> shards) {
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
