package dev.ssb.stage;

import static java.util.Objects.requireNonNull;

import dev.ssb.spark.ExecutorModels;
import dev.ssb.spark.GpuAssignment;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * The one partition loop of every model stage (rollout, curate, teacher-logits, evaluate): rows are
 * prepared one by one, gathered into windows of at most {@code batchSize} model sequences (an item
 * is never split; a window holds at least one item), and each window that needs the model runs on a
 * replica of this JVM's model taken from {@link ExecutorModels} for the window only and released
 * after it: the base model's replica, or one that has the stage's adapter applied since it was
 * loaded (never set and cleared per batch).
 *
 * <p>On the replica, every item's prompts are tokenized first ({@link Work#encode}). An item whose
 * student prompt is over {@code data.max_prompt_tokens} or whose longest sequence is over the
 * model's context ({@code max_position_embeddings}) is never run: it gets its {@link Work#tooLong}
 * rows (fate {@code PROMPT_TOO_LONG}) and the others go on. The rest of the window is cut into
 * batches of at most {@code model.batch_tokens} padded tokens (sequences × the longest sequence),
 * so that one long prompt cannot inflate its batch-mates' padding; an item larger than that runs
 * alone. Output is produced in input order. Rows never depend on where a batch boundary falls:
 * every sequence is seeded from what it is, not from its batch.
 *
 * @param <T> a prepared input row
 */
public final class ModelPartition<T> implements MapPartitionsFunction<Row, Row> {

    /** What a stage does with its rows; serializable, it travels with the task closure. */
    public interface Work<T> extends Serializable {

        /** An input row, ready for batching (parsed, selected); called once per row, in order. */
        T prepare(Row row);

        /** How many model sequences {@code item} adds to a batch; 0 when it needs no model. */
        int sequences(T item);

        /**
         * Tokenizes the prompts of an item that needs the model (kept in the item for {@link #run})
         * and says how long its sequences get.
         */
        Tokens encode(LanguageModel model, T item);

        /**
         * The output rows of an item whose sequences do not fit (fate {@code PROMPT_TOO_LONG}); it
         * is never run on the model. By default none: the item is left out of the output.
         */
        default List<Row> tooLong(T item, Tokens tokens, String modelId, String executorId) {
            return List.of();
        }

        /** The output rows of a batch, on a model replica held for this call. */
        List<Row> run(LanguageModel model, List<T> batch, String executorId);

        /** The output rows of a batch that needs no model (every item has 0 sequences). */
        default List<Row> runWithoutModel(List<T> batch, String executorId) {
            throw new IllegalStateException("Invalid batch: no item needs the model");
        }

        /**
         * The adapter to decode with (null = the base model); read on the executor, once per model
         * replica that has it applied.
         */
        default LoraAdapter adapter() {
            return null;
        }

        /**
         * The identity of {@link #adapter()} (its content hash), keying the replicas that have it
         * applied; null for the base model.
         */
        default String adapterHash() {
            return null;
        }
    }

    /**
     * The lengths of one item's sequences.
     *
     * @param studentPrompt tokens of the student prompt (system + question), which {@code
     *     data.max_prompt_tokens} bounds
     * @param sequence the longest of its sequences: prompt + new tokens to generate, or prompt +
     *     reply to score
     */
    public record Tokens(int studentPrompt, long sequence) {}

    private final ModelTask task;
    private final int batchSize;
    private final Work<T> work;

    /**
     * @param batchSize model sequences per call (a stage's {@code *.batch_size})
     */
    public ModelPartition(ModelTask task, int batchSize, Work<T> work) {
        this.task = requireNonNull(task, "task is null");
        this.work = requireNonNull(work, "work is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "Invalid batch size: " + batchSize + " (must be >= 1)");
        }
        this.batchSize = batchSize;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Device device = GpuAssignment.forCurrentTask(task.useGpu(), task.dtype());
        String executorId = SparkEnv.get() == null ? "unknown" : SparkEnv.get().executorId();
        return new Iterator<>() {
            private Iterator<Row> current = Collections.emptyIterator();
            private T pending; // prepared, did not fit the previous batch

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && (pending != null || rows.hasNext())) {
                    List<T> batch = new ArrayList<>();
                    int sequences = 0;
                    while (pending != null || rows.hasNext()) {
                        T item = pending != null ? pending : work.prepare(rows.next());
                        pending = null;
                        int n = work.sequences(item);
                        if (!batch.isEmpty() && sequences + n > batchSize) {
                            pending = item;
                            break;
                        }
                        batch.add(item);
                        sequences += n;
                    }
                    current =
                            (sequences == 0
                                            ? work.runWithoutModel(batch, executorId)
                                            : runOnModel(batch, device, executorId))
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

    private List<Row> runOnModel(List<T> window, Device device, String executorId) {
        String adapterHash = work.adapterHash();
        if (adapterHash == null) {
            return ExecutorModels.withModel(
                    task.checkpoint(), device, model -> runBatches(model, window, executorId));
        }
        return ExecutorModels.withModel(
                task.checkpoint(),
                device,
                adapterHash,
                work::adapter,
                model -> runBatches(model, window, executorId));
    }

    /**
     * The window's rows, in order: over-long items by {@link Work#tooLong}, the rest in batches.
     */
    private List<Row> runBatches(LanguageModel model, List<T> window, String executorId) {
        int context = model.config().maxPositionEmbeddings();
        List<Row> out = new ArrayList<>();
        List<T> batch = new ArrayList<>();
        int sequences = 0;
        long longest = 0;
        for (T item : window) {
            int n = work.sequences(item);
            if (n == 0) {
                batch.add(item);
                continue;
            }
            Tokens tokens = work.encode(model, item);
            if (!task.fits(tokens.studentPrompt(), tokens.sequence(), context)) {
                out.addAll(flush(model, batch, sequences, executorId));
                sequences = 0;
                longest = 0;
                out.addAll(work.tooLong(item, tokens, model.modelId(), executorId));
                continue;
            }
            long padded = Math.max(longest, tokens.sequence());
            if (sequences > 0 && (sequences + n) * padded > task.batchTokens()) {
                out.addAll(flush(model, batch, sequences, executorId));
                sequences = 0;
                padded = tokens.sequence();
            }
            batch.add(item);
            sequences += n;
            longest = padded;
        }
        out.addAll(flush(model, batch, sequences, executorId));
        return out;
    }

    /** Runs and empties {@code batch}. */
    private List<Row> flush(LanguageModel model, List<T> batch, int sequences, String executorId) {
        if (batch.isEmpty()) {
            return List.of();
        }
        List<Row> rows =
                sequences == 0
                        ? work.runWithoutModel(List.copyOf(batch), executorId)
                        : work.run(model, List.copyOf(batch), executorId);
        batch.clear();
        return rows;
    }
}
