package dev.ssb.curate;

import dev.ssb.curate.AttemptSelection.Attempt;
import dev.ssb.curate.AttemptSelection.Fate;
import dev.ssb.spark.ExecutorModels;
import dev.ssb.spark.ExecutorVerifier;
import dev.ssb.spark.GpuAssignment;
import dev.ssb.spark.Seeds;
import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.FinishReason;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.Verdict;
import dev.ssb.worker.api.Verification;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One task's curation: problems (with their rollouts collected) are taken in chunks holding up to
 * {@code teacher.batch_size} selected problems, whose hinted teacher replies are decoded together;
 * problems without a correct/wrong pair get their row at once. The model is loaded only when a
 * chunk has a selected problem. Rows depend only on the problem, its rollouts and the seed.
 */
final class CuratePartition implements MapPartitionsFunction<Row, Row> {

    /** The random streams of {@link Seeds} used here. */
    static final String SELECT_STREAM = "curate";

    static final String TEACHER_STREAM = "teacher";

    private final CurateSettings settings;

    CuratePartition(CurateSettings settings) {
        this.settings = settings;
    }

    /** A problem in flight: its input row, selection and (when selected) the teacher's turn. */
    private static final class Item {
        final Row problem;
        final AttemptSelection.Result selection;
        final String modelId;
        String teacherPrompt;
        int[] promptIds;
        long seed;

        Item(Row problem, AttemptSelection.Result selection, String modelId) {
            this.problem = problem;
            this.selection = selection;
            this.modelId = modelId;
        }
    }

    @Override
    public Iterator<Row> call(Iterator<Row> problems) {
        Device device = GpuAssignment.forCurrentTask(settings.useGpu(), settings.dtype());
        return new Iterator<>() {
            private Iterator<Row> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && problems.hasNext()) {
                    List<Item> chunk = new ArrayList<>();
                    int selected = 0;
                    while (selected < settings.batchSize() && problems.hasNext()) {
                        Item item = select(problems.next());
                        chunk.add(item);
                        selected += item.selection.fate() == Fate.SELECTED ? 1 : 0;
                    }
                    current = (selected == 0 ? rows(chunk) : teach(chunk, device)).iterator();
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

    private Item select(Row problem) {
        String problemId = problem.getAs("problem_id");
        List<Row> rollouts =
                problem.isNullAt(problem.fieldIndex("attempts"))
                        ? List.of()
                        : problem.getList(problem.fieldIndex("attempts"));
        List<Attempt> attempts = new ArrayList<>(rollouts.size());
        String modelId = null;
        for (Row r : rollouts) {
            attempts.add(
                    new Attempt(
                            r.getAs("sample_idx"),
                            r.getAs("completion"),
                            r.getAs("verdict"),
                            r.getAs("extracted_answer")));
            String rowModel = r.getAs("model_id"); // the smallest id: independent of row order
            modelId = modelId == null || rowModel.compareTo(modelId) < 0 ? rowModel : modelId;
        }
        AnswerVerifier verifier = ExecutorVerifier.get();
        SplittableRandom random =
                new SplittableRandom(Seeds.seed(settings.runSeed(), SELECT_STREAM, problemId, 0));
        AttemptSelection.Result selection =
                AttemptSelection.select(
                        attempts,
                        (a, b) -> verifier.compare(a, b).verdict() == Verdict.CORRECT,
                        random);
        return new Item(problem, selection, modelId);
    }

    private List<Row> teach(List<Item> chunk, Device device) {
        return ExecutorModels.withModel(
                settings.checkpoint(), device, model -> teach(model, chunk));
    }

    private List<Row> teach(LanguageModel model, List<Item> chunk) {
        List<GenerationRequest> requests = new ArrayList<>();
        List<Item> asked = new ArrayList<>();
        for (Item item : chunk) {
            if (item.selection.fate() != Fate.SELECTED) {
                continue;
            }
            String problemId = item.problem.getAs("problem_id");
            item.teacherPrompt =
                    TeacherPrompt.fill(
                            settings.teacherTemplate(),
                            item.problem.getAs("question"),
                            item.selection.correct().completion(),
                            item.selection.wrong().completion());
            item.promptIds =
                    model.encodeChat(
                            TeacherPrompt.messages(settings.systemPrompt(), item.teacherPrompt),
                            true);
            item.seed = Seeds.seed(settings.runSeed(), TEACHER_STREAM, problemId, 0);
            requests.add(new GenerationRequest(item.promptIds, item.seed));
            asked.add(item);
        }
        List<Generation> replies = model.generate(requests, settings.sampling());
        if (replies.size() != requests.size()) {
            throw new IllegalStateException(
                    String.format(
                            "Model %s returned %s generations for %s requests",
                            model.modelId(), replies.size(), requests.size()));
        }
        List<Row> rows = new ArrayList<>(chunk.size());
        AnswerVerifier verifier = ExecutorVerifier.get();
        for (Item item : chunk) {
            int at = asked.indexOf(item);
            if (at < 0) {
                rows.add(row(item, null, null, item.modelId));
                continue;
            }
            Generation g = replies.get(at);
            Verification v =
                    verifier.verify(
                            g.text(),
                            g.finishReason() == FinishReason.LENGTH,
                            item.problem.getAs("gold_answer"));
            rows.add(row(item, g, v, model.modelId()));
        }
        return rows;
    }

    private List<Row> rows(List<Item> chunk) {
        List<Row> rows = new ArrayList<>(chunk.size());
        for (Item item : chunk) {
            rows.add(row(item, null, null, item.modelId));
        }
        return rows;
    }

    /** Why a problem is not accepted, or null when it is. */
    static String rejectReason(Fate fate, Generation reply, Verification verdict) {
        if (fate != Fate.SELECTED) {
            return fate.name().toLowerCase(Locale.ROOT);
        }
        if (reply.finishReason() == FinishReason.LENGTH) {
            return "teacher_truncated"; // a cut reply has no end-of-turn to distil
        }
        return verdict.isCorrect()
                ? null
                : "teacher_" + verdict.verdict().name().toLowerCase(Locale.ROOT);
    }

    private Row row(Item item, Generation reply, Verification verdict, String modelId) {
        AttemptSelection.Result s = item.selection;
        boolean selected = s.fate() == Fate.SELECTED;
        String reason = rejectReason(s.fate(), reply, verdict);
        return RowFactory.create(
                item.problem.<String>getAs("problem_id"),
                item.problem.<String>getAs("question"),
                item.problem.<String>getAs("gold_answer"),
                s.samples(),
                s.nCorrect(),
                s.nWrong(),
                selected ? s.correct().sampleIdx() : null,
                selected ? s.wrong().sampleIdx() : null,
                selected ? s.wrong().answer() : null,
                selected ? s.wrongAnswerCount() : null,
                item.teacherPrompt,
                item.promptIds,
                selected ? item.seed : null,
                reply == null ? null : reply.text(),
                reply == null ? null : reply.tokenIds().clone(),
                reply == null ? null : reply.finishReason().name(),
                verdict == null ? null : verdict.verdict().name(),
                verdict == null ? null : verdict.extracted(),
                reason == null,
                reason,
                modelId,
                settings.runId(),
                settings.configHash());
    }
}
