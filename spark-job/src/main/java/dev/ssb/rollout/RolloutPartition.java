package dev.ssb.rollout;

import dev.ssb.spark.ExecutorModels;
import dev.ssb.spark.GpuAssignment;
import dev.ssb.spark.Seeds;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One task's rollouts: problems are taken in batches of whole problems, their K prompts decoded
 * together on this JVM's model, each sequence seeded from (run seed, problem id, sample index) so
 * that rows do not depend on batching or partitioning. Output is produced batch by batch.
 */
final class RolloutPartition implements MapPartitionsFunction<Row, Row> {

    private final RolloutSettings settings;
    private final AnswerCheck check = new AnswerCheck();

    RolloutPartition(RolloutSettings settings) {
        this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> problems) {
        Device device = GpuAssignment.forCurrentTask(settings.useGpu(), settings.dtype());
        String executorId = SparkEnv.get() == null ? "unknown" : SparkEnv.get().executorId();
        return new Iterator<>() {
            private Iterator<Row> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && problems.hasNext()) {
                    List<Row> batch = new ArrayList<>();
                    while (batch.size() < settings.problemsPerBatch() && problems.hasNext()) {
                        batch.add(problems.next());
                    }
                    current = decode(batch, device, executorId).iterator();
                }
                return current.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    private List<Row> decode(List<Row> batch, Device device, String executorId) {
        return ExecutorModels.withModel(
                settings.checkpoint(), device, model -> decode(model, batch, executorId));
    }

    private List<Row> decode(LanguageModel model, List<Row> batch, String executorId) {
        int k = settings.samples();
        List<GenerationRequest> requests = new ArrayList<>(batch.size() * k);
        long[] seeds = new long[batch.size() * k];
        for (int p = 0; p < batch.size(); p++) {
            Row problem = batch.get(p);
            String problemId = problem.getAs("problem_id");
            int[] prompt = model.encodeChat(messages(problem.getAs("question")), true);
            for (int s = 0; s < k; s++) {
                long seed = Seeds.seed(settings.runSeed(), problemId, s);
                seeds[p * k + s] = seed;
                requests.add(new GenerationRequest(prompt, seed));
            }
        }
        long t0 = System.nanoTime();
        List<Generation> generations = model.generate(requests, settings.sampling());
        long genMs = (System.nanoTime() - t0) / 1_000_000;
        if (generations.size() != requests.size()) {
            throw new IllegalStateException(
                    "Model "
                            + model.modelId()
                            + " returned "
                            + generations.size()
                            + " generations for "
                            + requests.size()
                            + " requests");
        }
        List<Row> rows = new ArrayList<>(requests.size());
        for (int p = 0; p < batch.size(); p++) {
            Row problem = batch.get(p);
            String gold = problem.getAs("gold_answer");
            for (int s = 0; s < k; s++) {
                Generation g = generations.get(p * k + s);
                AnswerCheck.Result verdict = check.check(g.text(), g.finishReason(), gold);
                rows.add(
                        RowFactory.create(
                                problem.<String>getAs("problem_id"),
                                s,
                                seeds[p * k + s],
                                g.text(),
                                g.tokenIds().clone(), // Row arrays are Scala/Java arrays, not
                                // java.util.List
                                g.tokenIds().length,
                                g.finishReason().name(),
                                verdict.extracted().orElse(null),
                                gold,
                                verdict.verdict().name(),
                                model.modelId(),
                                executorId,
                                genMs,
                                settings.runId(),
                                settings.configHash()));
            }
        }
        return rows;
    }

    private List<ChatMessage> messages(String question) {
        return settings.systemPrompt().isEmpty()
                ? List.of(ChatMessage.user(question))
                : List.of(ChatMessage.system(settings.systemPrompt()), ChatMessage.user(question));
    }
}
