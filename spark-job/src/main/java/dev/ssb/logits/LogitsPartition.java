package dev.ssb.logits;

import dev.ssb.spark.RowArrays;
import dev.ssb.stage.ModelPartition;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.api.TeacherLogitsRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One task's teacher forward passes, {@code logits.batch_size} accepted contexts at a time, over
 * the exact ids the teacher was prompted with and sampled (nothing is re-tokenized), plus the
 * student prompt: the chat template over [system, user: question] with the generation prompt.
 */
final class LogitsPartition implements ModelPartition.Work<LogitsPartition.Context> {

    /** An accepted context in flight: its row and, once encoded, the ids to score. */
    static final class Context {
        final Row row;
        TeacherLogitsRequest request;
        int[] studentPrompt;

        Context(Row row) {
            this.row = row;
        }
    }

    private final LogitsSettings settings;

    LogitsPartition(LogitsSettings settings) {
        this.settings = settings;
    }

    /** The runner of the teacher's forward passes over a partition. */
    ModelPartition<Context> partition() {
        return new ModelPartition<>(settings.model(), settings.batchSize(), this);
    }

    @Override
    public Context prepare(Row context) {
        return new Context(context);
    }

    @Override
    public int sequences(Context context) {
        return 1;
    }

    /**
     * The teacher scores [teacher prompt ‖ reply]; distill later runs the student over [student
     * prompt ‖ reply]: the longer of the two must fit the context.
     */
    @Override
    public ModelPartition.Tokens encode(LanguageModel model, Context context) {
        context.request =
                new TeacherLogitsRequest(
                        RowArrays.ints(context.row, "teacher_prompt_ids"),
                        RowArrays.ints(context.row, "teacher_token_ids"));
        context.studentPrompt =
                model.encodeChat(
                        settings.model().studentMessages(context.row.getAs("question")), true);
        int reply = context.request.replyIds().length;
        return new ModelPartition.Tokens(
                context.studentPrompt.length,
                (long) Math.max(context.request.promptIds().length, context.studentPrompt.length)
                        + reply);
    }

    @Override
    public List<Row> run(LanguageModel model, List<Context> batch, String executorId) {
        List<TeacherLogitsRequest> requests = new ArrayList<>(batch.size());
        List<Integer> stops = model.stopTokenIds();
        for (Context c : batch) {
            Row context = c.row;
            int[] reply = c.request.replyIds();
            if (reply.length == 0 || !stops.contains(reply[reply.length - 1])) {
                throw new IllegalStateException(
                        String.format(
                                "Invalid teacher reply of %s: it does not end with an"
                                        + " end-of-turn token %s of model %s",
                                context.<String>getAs("problem_id"), stops, model.modelId()));
            }
            requests.add(c.request);
        }
        List<TeacherLogits> scored =
                model.teacherLogits(requests, settings.topK(), settings.temperature());
        if (scored.size() != requests.size()) {
            throw new IllegalStateException(
                    String.format(
                            "Model %s returned %s teacher logits for %s requests",
                            model.modelId(), scored.size(), requests.size()));
        }
        List<Row> rows = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Row context = batch.get(i).row;
            TeacherLogitsRequest request = requests.get(i);
            TeacherLogits t = scored.get(i);
            if (t.positions() != request.replyIds().length) {
                throw new IllegalStateException(
                        String.format(
                                "Model %s returned %s positions for a reply of %s tokens",
                                model.modelId(), t.positions(), request.replyIds().length));
            }
            rows.add(
                    RowFactory.create(
                            context.<String>getAs("problem_id"),
                            batch.get(i).studentPrompt,
                            request.promptIds(),
                            request.replyIds(),
                            request.replyIds().length,
                            t.topkIds(),
                            t.topkLogits(),
                            t.logSumExp(),
                            t.k(),
                            t.temperature(),
                            model.modelId(),
                            settings.model().runId(),
                            settings.model().configHash()));
        }
        return rows;
    }
}
