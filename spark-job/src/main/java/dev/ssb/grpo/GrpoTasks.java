package dev.ssb.grpo;

import dev.ssb.distill.AdapterPayload;
import dev.ssb.spark.ExecutorModels;
import dev.ssb.spark.Seeds;
import dev.ssb.stage.Replies;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.PolicyExample;
import dev.ssb.worker.api.PolicyGradientResult;
import dev.ssb.worker.api.TeacherLogitsRequest;
import dev.ssb.worker.api.Verdict;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * The functions GRPO ships to executors. Both run on the executor's resident base model ({@link
 * ExecutorModels}), set the step's broadcast adapter for their work (decoding merges it into the
 * weights once per call) and leave the model without it, as distill's gradient tasks do.
 */
final class GrpoTasks {

    /** The random stream of the replies' seeds: (run seed, stream + step, problem, sample). */
    static final String STREAM = "grpo-step-";

    private GrpoTasks() {}

    /**
     * A problem of the step's batch.
     *
     * @param id problem_id
     * @param question the question
     * @param gold the gold answer
     */
    record Problem(String id, String question, String gold) implements Serializable {}

    /**
     * Samples G replies per problem under the policy (base + the broadcast adapter), verifies them,
     * and with β > 0 scores them under the base model. A problem whose prompt does not fit gets G
     * empty samples with verdict PROMPT_TOO_LONG (the driver drops and counts the group).
     */
    static final class Rollout implements FlatMapFunction<Iterator<Problem>, Sample> {
        private final GrpoSettings settings;
        private final Broadcast<AdapterPayload> adapter;
        private final int step;

        Rollout(GrpoSettings settings, Broadcast<AdapterPayload> adapter, int step) {
            this.settings = settings;
            this.adapter = adapter;
            this.step = step;
        }

        @Override
        public Iterator<Sample> call(Iterator<Problem> rows) {
            List<Problem> problems = new ArrayList<>();
            rows.forEachRemaining(problems::add);
            if (problems.isEmpty()) {
                return List.<Sample>of().iterator();
            }
            LoraAdapter lora = adapter.value().toAdapter();
            return ExecutorModels.withModel(
                            settings.train().checkpoint(),
                            settings.train().device(),
                            model -> sample(model, problems, lora))
                    .iterator();
        }

        private List<Sample> sample(LanguageModel model, List<Problem> problems, LoraAdapter lora) {
            int g = settings.groupSize();
            int context = model.config().maxPositionEmbeddings();
            int maxNew = settings.decoding().maxNewTokens();
            List<int[]> prompts = new ArrayList<>();
            List<GenerationRequest> requests = new ArrayList<>();
            List<String> golds = new ArrayList<>();
            for (Problem p : problems) {
                int[] prompt =
                        model.encodeChat(settings.model().studentMessages(p.question()), true);
                prompts.add(prompt);
                if (!settings.model().fits(prompt.length, (long) prompt.length + maxNew, context)) {
                    continue;
                }
                for (int s = 0; s < g; s++) {
                    long seed = Seeds.seed(settings.train().runSeed(), STREAM + step, p.id(), s);
                    requests.add(new GenerationRequest(prompt, seed));
                    golds.add(p.gold());
                }
            }
            Replies replies = null;
            List<float[]> ref = null;
            if (!requests.isEmpty()) {
                model.setAdapter(lora);
                try {
                    replies = Replies.generate(model, requests, golds, settings.decoding());
                } finally {
                    model.setAdapter(null);
                }
                if (settings.beta() > 0) {
                    List<TeacherLogitsRequest> score = new ArrayList<>();
                    for (int i = 0; i < requests.size(); i++) {
                        score.add(
                                new TeacherLogitsRequest(
                                        requests.get(i).promptIds(),
                                        replies.generations().get(i).tokenIds()));
                    }
                    ref = model.replyLogProbs(score); // the base: no adapter set
                }
            }
            List<Sample> out = new ArrayList<>(problems.size() * g);
            int r = 0;
            for (int p = 0; p < problems.size(); p++) {
                int[] prompt = prompts.get(p);
                boolean fits =
                        settings.model()
                                .fits(prompt.length, (long) prompt.length + maxNew, context);
                for (int s = 0; s < g; s++) {
                    if (!fits) {
                        out.add(
                                new Sample(
                                        -1,
                                        problems.get(p).id(),
                                        s,
                                        prompt,
                                        new int[0],
                                        0f,
                                        Verdict.PROMPT_TOO_LONG.name(),
                                        null,
                                        0f,
                                        null));
                        continue;
                    }
                    Verdict verdict = replies.verdicts().get(r).verdict();
                    out.add(
                            new Sample(
                                    -1,
                                    problems.get(p).id(),
                                    s,
                                    prompt,
                                    replies.generations().get(r).tokenIds(),
                                    verdict == Verdict.CORRECT ? 1f : 0f,
                                    verdict.name(),
                                    ref == null ? null : ref.get(r),
                                    0f,
                                    null));
                    r++;
                }
            }
            return out;
        }
    }

    /** Policy-gradient sums of one shard of the step's samples under the broadcast adapter. */
    static final class Gradient implements FlatMapFunction<Iterator<Sample>, PolicyShard> {
        private final GrpoSettings settings;
        private final Broadcast<AdapterPayload> adapter;
        private final boolean keepLogProbs;

        Gradient(GrpoSettings settings, Broadcast<AdapterPayload> adapter, boolean keepLogProbs) {
            this.settings = settings;
            this.adapter = adapter;
            this.keepLogProbs = keepLogProbs;
        }

        @Override
        public Iterator<PolicyShard> call(Iterator<Sample> rows) {
            List<Sample> samples = new ArrayList<>();
            rows.forEachRemaining(samples::add);
            if (samples.isEmpty()) {
                return List.of(PolicyShard.empty()).iterator();
            }
            List<PolicyExample> batch = samples.stream().map(Sample::toExample).toList();
            LoraAdapter lora = adapter.value().toAdapter();
            PolicyShard shard =
                    ExecutorModels.withModel(
                            settings.train().checkpoint(),
                            settings.train().device(),
                            model -> {
                                model.setAdapter(lora);
                                try {
                                    PolicyGradientResult r =
                                            model.computePolicyGradients(batch, settings.loss());
                                    return PolicyShard.of(r, samples, keepLogProbs);
                                } finally {
                                    model.setAdapter(null);
                                }
                            });
            return List.of(shard).iterator();
        }
    }
}
