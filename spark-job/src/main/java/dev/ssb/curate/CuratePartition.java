package dev.ssb.curate;

import dev.ssb.curate.AttemptSelection.Attempt;
import dev.ssb.curate.AttemptSelection.Fate;
import dev.ssb.spark.ExecutorVerifier;
import dev.ssb.spark.Seeds;
import dev.ssb.stage.ModelPartition;
import dev.ssb.stage.Replies;
import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.FinishReason;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.Verdict;
import dev.ssb.worker.api.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One task's curation: problems (with their rollouts collected) are selected one by one and taken
 * in chunks holding up to {@code teacher.batch_size} selected problems, whose hinted teacher
 * replies are decoded together; problems without a correct/wrong pair need no model. Rows depend
 * only on the problem, its rollouts and the seed.
 */
final class CuratePartition implements ModelPartition.Work<CuratePartition.Item> {

    /** The random streams of {@link Seeds} used here. */
    static final String SELECT_STREAM = "curate";

    static final String TEACHER_STREAM = "teacher";

    private final CurateSettings settings;

    CuratePartition(CurateSettings settings) {
        this.settings = settings;
    }

    /** A problem in flight: its input row, selection and (when selected) the teacher's turn. */
    static final class Item {
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

    /** The runner of curation over a partition. */
    ModelPartition<Item> partition() {
        return new ModelPartition<>(settings.model(), settings.batchSize(), this);
    }

    @Override
    public Item prepare(Row problem) {
        return select(problem);
    }

    @Override
    public int sequences(Item item) {
        return item.selection.fate() == Fate.SELECTED ? 1 : 0;
    }

    @Override
    public List<Row> runWithoutModel(List<Item> chunk, String executorId) {
        return rows(chunk);
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
                new SplittableRandom(
                        Seeds.seed(settings.model().runSeed(), SELECT_STREAM, problemId, 0));
        AttemptSelection.Result selection =
                AttemptSelection.select(
                        attempts,
                        (a, b) -> verifier.compare(a, b).verdict() == Verdict.CORRECT,
                        random);
        return new Item(problem, selection, modelId);
    }

    @Override
    public ModelPartition.Tokens encode(LanguageModel model, Item item) {
        String problemId = item.problem.getAs("problem_id");
        item.teacherPrompt =
                TeacherPrompt.fill(
                        settings.teacherTemplate(),
                        settings.showWrongAttempt(),
                        item.problem.getAs("question"),
                        item.selection.correct().completion(),
                        item.selection.wrong().completion());
        item.promptIds =
                model.encodeChat(
                        TeacherPrompt.messages(settings.model().systemPrompt(), item.teacherPrompt),
                        true);
        item.seed = Seeds.seed(settings.model().runSeed(), TEACHER_STREAM, problemId, 0);
        int student =
                model.encodeChat(
                                settings.model().studentMessages(item.problem.getAs("question")),
                                true)
                        .length;
        return new ModelPartition.Tokens(
                student, (long) item.promptIds.length + settings.decoding().maxNewTokens());
    }

    @Override
    public List<Row> tooLong(
            Item item, ModelPartition.Tokens tokens, String modelId, String executorId) {
        Replies none = Replies.promptTooLong(1, tokens);
        return List.of(row(item, none.generations().get(0), none.verdicts().get(0), modelId));
    }

    @Override
    public List<Row> run(LanguageModel model, List<Item> chunk, String executorId) {
        List<GenerationRequest> requests = new ArrayList<>();
        List<String> golds = new ArrayList<>();
        List<Item> asked = new ArrayList<>();
        for (Item item : chunk) {
            if (item.selection.fate() != Fate.SELECTED) {
                continue;
            }
            requests.add(new GenerationRequest(item.promptIds, item.seed));
            golds.add(item.problem.getAs("gold_answer"));
            asked.add(item);
        }
        Replies replies = Replies.generate(model, requests, golds, settings.decoding());
        List<Row> rows = new ArrayList<>(chunk.size());
        for (Item item : chunk) {
            int at = asked.indexOf(item);
            rows.add(
                    at < 0
                            ? row(item, null, null, item.modelId)
                            : row(
                                    item,
                                    replies.generations().get(at),
                                    replies.verdicts().get(at),
                                    model.modelId()));
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
        if (reply.finishReason() == FinishReason.PROMPT_TOO_LONG) {
            return "teacher_prompt_too_long"; // nothing was decoded
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
                settings.model().runId(),
                settings.model().configHash());
    }
}
