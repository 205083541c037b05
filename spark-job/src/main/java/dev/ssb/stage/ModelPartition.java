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
 * prepared one by one, gathered into batches of at most {@code batchSize} model sequences (an item
 * is never split; a batch holds at least one item), and each batch that needs the model runs on a
 * replica of this JVM's model taken from {@link ExecutorModels} for the batch only and released
 * after it: the base model's replica, or one that has the stage's adapter applied since it was
 * loaded (never set and cleared per batch). Output is produced batch by batch, in input order. Rows
 * never depend on where a batch boundary falls: every sequence is seeded from what it is, not from
 * its batch.
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

    private List<Row> runOnModel(List<T> batch, Device device, String executorId) {
        String adapterHash = work.adapterHash();
        if (adapterHash == null) {
            return ExecutorModels.withModel(
                    task.checkpoint(), device, model -> work.run(model, batch, executorId));
        }
        return ExecutorModels.withModel(
                task.checkpoint(),
                device,
                adapterHash,
                work::adapter,
                model -> work.run(model, batch, executorId));
    }
}
