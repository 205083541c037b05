package dev.ssb.grpo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.distill.AdapterPayload;
import dev.ssb.distill.AdapterTrainer;
import dev.ssb.distill.DataOrder;
import dev.ssb.distill.DistillCheckpoints;
import dev.ssb.distill.GradientTasks;
import dev.ssb.worker.api.AdamW;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.Gradients;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's GRPO loop. The driver owns the LoRA weights and AdamW, as in distillation. Each step
 * it broadcasts the adapter; the executors sample G replies for each of the step's B problems
 * (seeded from run seed, step, problem and sample, so a reply does not depend on the shard that
 * drew it) and verify them; the driver turns rewards into group-relative advantages and runs μ
 * updates on the batch, each one task per shard computing policy-gradient sums over its reply
 * tokens, added up on the executors (tree aggregation); the driver divides by the batch's tokens
 * and applies one clipped AdamW update. The problems of a step come from distill's {@link
 * DataOrder} over the problems sorted by id: a step is a pure function of the run seed and the
 * adapter before it, which is what makes a resumed run end on the uninterrupted run's adapter.
 */
final class GrpoTrainer extends AdapterTrainer<List<GrpoTasks.Problem>, GrpoMetrics> {

    private static final Logger LOG = LoggerFactory.getLogger(GrpoTrainer.class);
    static final String LORA_STREAM = "grpo-lora";

    private final GrpoSettings settings;

    GrpoTrainer(
            JavaSparkContext jsc,
            GrpoSettings settings,
            String stageHash,
            DistillCheckpoints checkpoints,
            StepListener<GrpoMetrics> listener) {
        super(
                jsc,
                requireNonNull(settings, "settings is null").train(),
                stageHash,
                checkpoints,
                listener);
        this.settings = settings;
    }

    /**
     * Trains on {@code problems} (sorted by id), from the latest checkpoint when {@code resume}.
     */
    @Override
    public Result<GrpoMetrics> train(List<GrpoTasks.Problem> problems, boolean resume) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("Cannot run grpo: no problems");
        }
        int total = settings.steps();
        AdamW adamW = new AdamW(settings.train().adamW((long) total * settings.mu()));
        LoraConfig lora = settings.train().lora();
        Map<String, HostTensor> params;
        List<GrpoMetrics> metrics = new ArrayList<>();
        String modelId;
        int start = 0;
        Optional<DistillCheckpoints.Saved> saved =
                resume ? checkpoints.latestSaved() : Optional.empty();
        if (saved.isPresent()) {
            DistillCheckpoints.Saved s = saved.get();
            int step = s.field("step").asInt();
            String hash = s.field("stage_config_hash").asText();
            checkResumable("grpo", step, hash, total);
            params = AdapterPayload.of(s.adapter()).tensors();
            adamW.importState(s.optimizer());
            s.metricLines().forEach(l -> metrics.add(GrpoMetrics.fromJson(l)));
            modelId = s.field("model_id").asText();
            start = step;
            LOG.info("Resuming grpo from checkpoint step-{} of {}", start, total);
        } else {
            GradientTasks.Init.Result init = freshStart(LORA_STREAM);
            params = init.adapter().tensors();
            modelId = init.modelId();
        }
        int workers = workers();
        DataOrder order =
                new DataOrder(
                        problems.size(), settings.problemsPerStep(), settings.train().runSeed());
        LOG.info(
                "GRPO on {} problems: {} steps of {} problems x {} replies, mu {}, beta {}, {}"
                        + " shards per update",
                problems.size(),
                total,
                settings.problemsPerStep(),
                settings.groupSize(),
                settings.mu(),
                settings.beta(),
                workers);
        long t0 = System.nanoTime();
        for (int step = start + 1; step <= total; step++) {
            int epoch = (step - 1) / order.stepsPerEpoch();
            int[] picked =
                    order.batch(order.permutation(epoch), (step - 1) % order.stepsPerEpoch());
            List<GrpoTasks.Problem> batch = new ArrayList<>();
            for (int i : picked) {
                batch.add(problems.get(i));
            }
            GrpoMetrics m = step(step, batch, workers, lora, params, adamW);
            metrics.add(m);
            int every = settings.train().checkpointEvery();
            if (step % every == 0 || step == total) {
                ObjectNode fields = JsonNodeFactory.instance.objectNode();
                fields.put("run_seed", settings.train().runSeed());
                fields.put("stage_config_hash", stageHash);
                fields.put("model_id", modelId);
                checkpoints.write(
                        step,
                        new LoraAdapter(lora, params),
                        adamW.exportState(),
                        metrics.stream().map(GrpoMetrics::toJson).toList(),
                        fields,
                        settings.train().keepCheckpoints());
            }
            if (step % settings.train().logEvery() == 0 || step == total) {
                LOG.info(progress(m, total, start, (System.nanoTime() - t0) / 1e9));
            }
            listener.afterStep(m);
        }
        return new Result<>(new LoraAdapter(lora, params), metrics, modelId, start);
    }

    private GrpoMetrics step(
            int step,
            List<GrpoTasks.Problem> problems,
            int workers,
            LoraConfig lora,
            Map<String, HostTensor> params,
            AdamW adamW) {
        long t0 = System.nanoTime();
        List<Sample> sampled =
                withAdapter(
                        lora,
                        params,
                        adapter ->
                                jsc.parallelize(problems, Math.min(workers, problems.size()))
                                        .mapPartitions(
                                                new GrpoTasks.Rollout(settings, adapter, step))
                                        .collect());
        long rolloutMs = (System.nanoTime() - t0) / 1_000_000;
        int g = settings.groupSize();
        List<Sample> kept = new ArrayList<>();
        int skipped = 0;
        for (int first = 0; first < sampled.size(); first += g) {
            if (Verdict.PROMPT_TOO_LONG.name().equals(sampled.get(first).verdict())) {
                skipped++;
            } else {
                kept.addAll(sampled.subList(first, first + g));
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalStateException(
                    String.format(
                            "Cannot run grpo step %s: none of its %s problems fits the prompt"
                                    + " budget (data.max_prompt_tokens, model context)",
                            step, problems.size()));
        }
        float[] rewards = new float[kept.size()];
        long correct = 0;
        long tokens = 0;
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = kept.get(i).reward();
            correct += Verdict.CORRECT.name().equals(kept.get(i).verdict()) ? 1 : 0;
            tokens += kept.get(i).replyIds().length;
        }
        float[] advantages = Advantages.of(rewards, g, settings.scaleRewards());
        int groups = kept.size() / g;
        int zeroSignal = Advantages.zeroSignalGroups(rewards, g);
        List<Sample> batch = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            batch.add(kept.get(i).with(i, advantages[i]));
        }
        int shards = Math.min(workers, batch.size());
        double loss = 0;
        double kl = 0;
        double entropy = 0;
        double clipped = 0;
        double norm = 0;
        for (int it = 0; it < settings.mu(); it++) {
            boolean keep = it == 0 && settings.mu() > 1;
            List<Sample> items = batch;
            PolicyShard sum =
                    withAdapter(
                            lora,
                            params,
                            adapter ->
                                    jsc.parallelize(items, shards)
                                            .mapPartitions(
                                                    new GrpoTasks.Gradient(settings, adapter, keep))
                                            .treeAggregate(
                                                    PolicyShard.empty(),
                                                    PolicyShard::plus,
                                                    PolicyShard::plus,
                                                    2));
            GradientResult grads = sum.gradient().toResult();
            norm += adamW.step(params, Gradients.mean(grads));
            double n = grads.tokens();
            loss += grads.lossKdSum() / n;
            kl += sum.klSum() / n;
            entropy += sum.entropySum() / n;
            clipped += sum.clippedTokens() / n;
            if (keep) {
                List<Sample> withOld = new ArrayList<>(batch.size());
                for (Sample s : batch) {
                    withOld.add(s.withOld(sum.logProbs().get(s.index())));
                }
                batch = withOld;
            }
        }
        double mu = settings.mu();
        return new GrpoMetrics(
                step,
                mean(rewards),
                correct / (double) rewards.length,
                zeroSignal / (double) groups,
                tokens / (double) rewards.length,
                settings.beta() > 0 ? OptionalDouble.of(kl / mu) : OptionalDouble.empty(),
                entropy / mu,
                clipped / mu,
                loss / mu,
                norm / mu,
                adamW.lastLr(),
                tokens,
                rewards.length,
                skipped,
                shards,
                rolloutMs,
                (System.nanoTime() - t0) / 1_000_000);
    }

    private <T> T withAdapter(
            LoraConfig lora,
            Map<String, HostTensor> params,
            java.util.function.Function<Broadcast<AdapterPayload>, T> body) {
        Broadcast<AdapterPayload> adapter = jsc.broadcast(AdapterPayload.of(lora, params));
        try {
            return body.apply(adapter);
        } finally {
            adapter.destroy();
        }
    }

    private static double mean(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s / values.length;
    }

    /** The progress line after {@code m}: step, reward, loss and ETA. */
    static String progress(GrpoMetrics m, int total, int start, double seconds) {
        int done = Math.max(1, m.step() - start);
        Duration eta = Duration.ofSeconds(Math.round(seconds / done * (total - m.step())));
        return String.format(
                Locale.ROOT,
                "grpo step %d/%d: reward %.3f, zero-signal groups %.0f%%, loss %.4f, grad norm"
                        + " %.3f, reply %.0f tokens, ETA %dm%02ds",
                m.step(),
                total,
                m.rewardMean(),
                100 * m.zeroSignalFraction(),
                m.loss(),
                m.gradNorm(),
                m.replyLen(),
                eta.toMinutes(),
                eta.toSecondsPart());
    }
}
