package dev.ssb.logits;

import dev.ssb.spark.ExecutorModels;
import dev.ssb.spark.GpuAssignment;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.api.TeacherLogitsRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One task's teacher forward passes, {@code logits.batch_size} accepted contexts at a time, over
 * the exact ids the teacher was prompted with and sampled (nothing is re-tokenized), plus the
 * student prompt: the chat template over [system, user: question] with the generation prompt.
 */
final class LogitsPartition implements MapPartitionsFunction<Row, Row> {

    private final LogitsSettings settings;

    LogitsPartition(LogitsSettings settings) {
        this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> contexts) {
        Device device = GpuAssignment.forCurrentTask(settings.useGpu(), settings.dtype());
        return new Iterator<>() {
            private Iterator<Row> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && contexts.hasNext()) {
                    List<Row> batch = new ArrayList<>();
                    while (batch.size() < settings.batchSize() && contexts.hasNext()) {
                        batch.add(contexts.next());
                    }
                    current =
                            ExecutorModels.withModel(
                                            settings.checkpoint(),
                                            device,
                                            model -> score(model, batch))
                                    .iterator();
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

    private List<Row> score(LanguageModel model, List<Row> batch) {
        List<TeacherLogitsRequest> requests = new ArrayList<>(batch.size());
        List<Integer> stops = model.stopTokenIds();
        for (Row context : batch) {
            int[] prompt = ids(context, "teacher_prompt_ids");
            int[] reply = ids(context, "teacher_token_ids");
            if (reply.length == 0 || !stops.contains(reply[reply.length - 1])) {
                throw new IllegalStateException(
                        String.format(
                                "Invalid teacher reply of %s: it does not end with an"
                                        + " end-of-turn token %s of model %s",
                                context.<String>getAs("problem_id"), stops, model.modelId()));
            }
            requests.add(new TeacherLogitsRequest(prompt, reply));
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
            Row context = batch.get(i);
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
                            model.encodeChat(studentMessages(context.getAs("question")), true),
                            request.promptIds(),
                            request.replyIds(),
                            request.replyIds().length,
                            t.topkIds(),
                            t.topkLogits(),
                            t.logSumExp(),
                            t.k(),
                            t.temperature(),
                            model.modelId(),
                            settings.runId(),
                            settings.configHash()));
        }
        return rows;
    }

    /** The student's prompt: the question alone, as in rollouts and evaluation. */
    private List<ChatMessage> studentMessages(String question) {
        return settings.systemPrompt().isEmpty()
                ? List.of(ChatMessage.user(question))
                : List.of(ChatMessage.system(settings.systemPrompt()), ChatMessage.user(question));
    }

    private static int[] ids(Row row, String column) {
        List<Integer> list = row.getList(row.fieldIndex(column));
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = list.get(i);
        }
        return ids;
    }
}
