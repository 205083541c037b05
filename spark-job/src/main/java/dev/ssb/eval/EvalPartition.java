package dev.ssb.eval;

import dev.ssb.spark.ExecutorModels;
import dev.ssb.spark.ExecutorVerifier;
import dev.ssb.spark.GpuAssignment;
import dev.ssb.spark.Seeds;
import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.FinishReason;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.Verification;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One task's evaluation samples for one model: problems in batches of whole problems, their n
 * prompts decoded together on this JVM's model (with the student adapter applied for the duration
 * of the batch only, so other stages sharing the model never see it), each sample verified, and its
 * answer grouped with the problem's other answers for the majority vote.
 */
final class EvalPartition implements MapPartitionsFunction<Row, Row> {

    /** The random stream of evaluation samples: never shared with rollouts or the teacher. */
    static final String SEED_STREAM = "eval";

    private final EvalSettings settings;
    private final ModelTag tag;
    private final Broadcast<StudentAdapter> student; // null for the base model

    EvalPartition(EvalSettings settings, ModelTag tag, Broadcast<StudentAdapter> student) {
        if ((tag == ModelTag.STUDENT) != (student != null)) {
            throw new IllegalArgumentException(
                    "Invalid partition: " + tag + " with adapter " + student);
        }
        this.settings = settings;
        this.tag = tag;
        this.student = student;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> problems) {
        Device device = GpuAssignment.forCurrentTask(settings.useGpu(), settings.dtype());
        String executorId = SparkEnv.get() == null ? "unknown" : SparkEnv.get().executorId();
        AnswerVerifier verifier = ExecutorVerifier.get();
        return new Iterator<>() {
            private Iterator<Row> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && problems.hasNext()) {
                    List<Row> batch = new ArrayList<>();
                    while (batch.size() < settings.problemsPerBatch() && problems.hasNext()) {
                        batch.add(problems.next());
                    }
                    current = evaluate(batch, device, verifier, executorId).iterator();
                }
                return current.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    private List<Row> evaluate(
            List<Row> batch, Device device, AnswerVerifier verifier, String executorId) {
        LoraAdapter adapter = student == null ? null : student.value().adapter();
        return ExecutorModels.withModel(
                settings.checkpoint(),
                device,
                model -> {
                    LoraAdapter previous = model.adapter().orElse(null);
                    if (previous != adapter) {
                        model.setAdapter(adapter);
                    }
                    try {
                        return evaluate(model, batch, verifier, executorId);
                    } finally {
                        if (previous != adapter) {
                            model.setAdapter(previous);
                        }
                    }
                });
    }

    private List<Row> evaluate(
            LanguageModel model, List<Row> batch, AnswerVerifier verifier, String executorId) {
        int n = settings.samples();
        List<GenerationRequest> requests = new ArrayList<>(batch.size() * n);
        long[] seeds = new long[batch.size() * n];
        for (int p = 0; p < batch.size(); p++) {
            Row problem = batch.get(p);
            String problemId = problem.getAs("problem_id");
            int[] prompt = model.encodeChat(messages(problem.getAs("question")), true);
            for (int s = 0; s < n; s++) {
                long seed = Seeds.seed(settings.runSeed(), SEED_STREAM, problemId, s);
                seeds[p * n + s] = seed;
                requests.add(new GenerationRequest(prompt, seed));
            }
        }
        long t0 = System.nanoTime();
        List<Generation> generations = model.generate(requests, settings.sampling());
        long genMs = (System.nanoTime() - t0) / 1_000_000;
        if (generations.size() != requests.size()) {
            throw new IllegalStateException(
                    String.format(
                            "Model %s returned %s generations for %s requests",
                            model.modelId(), generations.size(), requests.size()));
        }
        String adapterPath = student == null ? null : student.value().path();
        String adapterHash = student == null ? null : student.value().sha256();
        List<Row> rows = new ArrayList<>(requests.size());
        for (int p = 0; p < batch.size(); p++) {
            Row problem = batch.get(p);
            String gold = problem.getAs("gold_answer");
            List<Verification> checks = new ArrayList<>(n);
            List<String> answers = new ArrayList<>(n);
            for (int s = 0; s < n; s++) {
                Generation g = generations.get(p * n + s);
                Verification v =
                        verifier.verify(g.text(), g.finishReason() == FinishReason.LENGTH, gold);
                checks.add(v);
                answers.add(v.extracted());
            }
            int[] groups = AnswerGroups.of(answers, (a, b) -> verifier.compare(a, b).isCorrect());
            for (int s = 0; s < n; s++) {
                Generation g = generations.get(p * n + s);
                rows.add(
                        RowFactory.create(
                                tag.column(),
                                problem.<String>getAs("problem_id"),
                                s,
                                seeds[p * n + s],
                                g.text(),
                                g.tokenIds().length,
                                g.finishReason().name(),
                                answers.get(s),
                                gold,
                                checks.get(s).verdict().name(),
                                groups[s] == AnswerGroups.NONE ? null : groups[s],
                                model.modelId(),
                                adapterPath,
                                adapterHash,
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
