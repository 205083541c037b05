package dev.ssb.distill;

import dev.ssb.spark.ExecutorModels;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * The functions distillation ships to executors. Both run on the executor's resident base model
 * ({@link ExecutorModels}: loaded once per JVM, tasks on it serialized, which also keeps a single
 * autograd session per JVM) and leave it without an adapter, so other stages sharing the model see
 * the base.
 */
public final class GradientTasks {

    private GradientTasks() {}

    /**
     * The KD examples of a shard, after checking that every reply ends with one of the model's
     * end-of-turn ids: the student must learn to stop where the teacher stopped.
     *
     * @throws IllegalArgumentException naming the problem and the model's stop ids
     */
    static List<KdExample> examples(List<TrainExample> shard, LanguageModel model) {
        List<Integer> stops = model.stopTokenIds();
        List<KdExample> out = new ArrayList<>(shard.size());
        for (TrainExample e : shard) {
            int last = e.replyIds()[e.replyIds().length - 1];
            if (!stops.contains(last)) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid teacher_logits row %s: its reply ends with id %s, not an"
                                        + " end-of-turn id %s of model %s",
                                e.problemId(), last, stops, model.modelId()));
            }
            out.add(e.toKdExample());
        }
        return out;
    }

    /**
     * Gradient sums of one worker's shard of a step (gathered by {@link TrainData#gather}: a list
     * holding one batch) under the broadcast adapter.
     */
    static final class Shard implements Function<List<List<TrainExample>>, ShardGradient> {
        private final DistillSettings settings;
        private final Broadcast<AdapterPayload> adapter;

        Shard(DistillSettings settings, Broadcast<AdapterPayload> adapter) {
            this.settings = settings;
            this.adapter = adapter;
        }

        @Override
        public ShardGradient call(List<List<TrainExample>> batches) {
            if (batches.size() != 1 || batches.get(0).isEmpty()) {
                throw new IllegalStateException(
                        "Cannot compute a shard gradient: the shard has "
                                + batches.size()
                                + " batches (expected one, non-empty)");
            }
            List<TrainExample> shard = batches.get(0);
            LoraAdapter lora = adapter.value().toAdapter();
            return ExecutorModels.withModel(
                    settings.checkpoint(),
                    settings.device(),
                    model -> {
                        List<KdExample> batch = examples(shard, model);
                        model.setAdapter(lora);
                        try {
                            GradientResult r = model.computeGradients(batch, settings.loss());
                            return ShardGradient.of(r);
                        } finally {
                            model.setAdapter(null);
                        }
                    });
        }
    }

    /**
     * A fresh adapter for the base model (A random from the seed, B zero), made where the model's
     * config is known, so the driver never loads the runtime.
     */
    public static final class Init implements Function<Integer, Init.Result> {
        private final DistillSettings settings;
        private final long seed;

        /** The adapter and the id of the model it was made for. */
        public record Result(AdapterPayload adapter, String modelId)
                implements java.io.Serializable {}

        public Init(DistillSettings settings, long seed) {
            this.settings = settings;
            this.seed = seed;
        }

        @Override
        public Result call(Integer ignored) {
            return ExecutorModels.withModel(
                    settings.checkpoint(), settings.device(), model -> init(model));
        }

        private Result init(LanguageModel model) {
            LoraAdapter fresh = LoraAdapter.initialize(settings.lora(), model.config(), seed);
            return new Result(AdapterPayload.of(fresh), model.modelId());
        }
    }
}
