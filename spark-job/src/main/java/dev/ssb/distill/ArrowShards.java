package dev.ssb.distill;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.ToIntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A shard of training examples as one Arrow IPC stream batch: what the driver ships to a gradient
 * task. Columns mirror {@code teacher_logits} ({@code list<int32>} ids, {@code list<float32>}
 * logits), written and read as whole little-endian buffers rather than element by element.
 */
final class ArrowShards {

    private static final ArrowType FLOAT =
            new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);

    static final Schema SCHEMA =
            new Schema(
                    List.of(
                            Field.notNullable("problem_id", ArrowType.Utf8.INSTANCE),
                            list("student_prompt_ids", new ArrowType.Int(32, true)),
                            list("reply_ids", new ArrowType.Int(32, true)),
                            list("topk_ids", new ArrowType.Int(32, true)),
                            list("topk_logits", FLOAT),
                            list("logsumexp", FLOAT),
                            Field.notNullable("k", new ArrowType.Int(32, true)),
                            Field.notNullable("temperature", FLOAT)));

    private ArrowShards() {}

    private static Field list(String name, ArrowType element) {
        return new Field(
                name,
                FieldType.notNullable(ArrowType.List.INSTANCE),
                List.of(Field.notNullable("element", element)));
    }

    /** The Arrow IPC stream bytes of {@code shard} (one record batch). */
    static byte[] encode(List<TrainExample> shard) {
        try (BufferAllocator alloc = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, alloc)) {
            int n = shard.size();
            VarCharVector ids = (VarCharVector) root.getVector("problem_id");
            IntVector k = (IntVector) root.getVector("k");
            Float4Vector t = (Float4Vector) root.getVector("temperature");
            for (FieldVector v : root.getFieldVectors()) {
                v.setInitialCapacity(n);
                v.allocateNew();
            }
            for (int i = 0; i < n; i++) {
                TrainExample e = shard.get(i);
                ids.setSafe(i, e.problemId().getBytes(StandardCharsets.UTF_8));
                k.setSafe(i, e.k());
                t.setSafe(i, e.temperature());
            }
            ints(
                    root,
                    "student_prompt_ids",
                    shard.stream().map(TrainExample::studentPromptIds).toList());
            ints(root, "reply_ids", shard.stream().map(TrainExample::replyIds).toList());
            ints(root, "topk_ids", shard.stream().map(TrainExample::topkIds).toList());
            floats(root, "topk_logits", shard.stream().map(TrainExample::topkLogits).toList());
            floats(root, "logsumexp", shard.stream().map(TrainExample::logSumExp).toList());
            root.setRowCount(n);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArrowStreamWriter writer =
                    new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode a training shard as Arrow", e);
        }
    }

    /** The examples of an Arrow IPC stream written by {@link #encode}. */
    static List<TrainExample> decode(byte[] bytes) {
        List<TrainExample> out = new ArrayList<>();
        try (BufferAllocator alloc = new RootAllocator();
                ArrowStreamReader reader =
                        new ArrowStreamReader(new ByteArrayInputStream(bytes), alloc)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            if (!root.getSchema().equals(SCHEMA)) {
                throw new IllegalArgumentException(
                        "Invalid training shard: schema "
                                + root.getSchema()
                                + " (must be "
                                + SCHEMA
                                + ")");
            }
            while (reader.loadNextBatch()) {
                VarCharVector ids = (VarCharVector) root.getVector("problem_id");
                IntVector k = (IntVector) root.getVector("k");
                Float4Vector t = (Float4Vector) root.getVector("temperature");
                for (int i = 0; i < root.getRowCount(); i++) {
                    out.add(
                            new TrainExample(
                                    new String(ids.get(i), StandardCharsets.UTF_8),
                                    ints(root, "student_prompt_ids", i),
                                    ints(root, "reply_ids", i),
                                    ints(root, "topk_ids", i),
                                    floats(root, "topk_logits", i),
                                    floats(root, "logsumexp", i),
                                    k.get(i),
                                    t.get(i)));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot decode a training shard from Arrow", e);
        }
    }

    private static void ints(VectorSchemaRoot root, String column, List<int[]> rows) {
        lists(root, column, rows, r -> r.length, (buffer, r) -> buffer.asIntBuffer().put(r));
    }

    private static void floats(VectorSchemaRoot root, String column, List<float[]> rows) {
        lists(root, column, rows, r -> r.length, (buffer, r) -> buffer.asFloatBuffer().put(r));
    }

    /** Fills a list column of 4-byte values with one bulk copy per row. */
    private static <T> void lists(
            VectorSchemaRoot root,
            String column,
            List<T> rows,
            ToIntFunction<T> length,
            BiConsumer<java.nio.ByteBuffer, T> put) {
        ListVector list = (ListVector) root.getVector(column);
        int total = rows.stream().mapToInt(length).sum();
        BaseFixedWidthVector data = (BaseFixedWidthVector) list.getDataVector();
        data.allocateNew(total);
        int offset = 0;
        for (int i = 0; i < rows.size(); i++) {
            T r = rows.get(i);
            int n = length.applyAsInt(r);
            list.startNewValue(i);
            put.accept(
                    data.getDataBuffer()
                            .nioBuffer(4L * offset, 4 * n)
                            .order(ByteOrder.LITTLE_ENDIAN),
                    r);
            for (int j = 0; j < n; j++) {
                data.setIndexDefined(offset + j);
            }
            offset += n;
            list.endValue(i, n);
        }
        data.setValueCount(total);
        list.setValueCount(rows.size());
    }

    private static int[] ints(VectorSchemaRoot root, String column, int row) {
        ListVector list = (ListVector) root.getVector(column);
        int from = list.getElementStartIndex(row);
        int len = list.getElementEndIndex(row) - from;
        int[] out = new int[len];
        ((IntVector) list.getDataVector())
                .getDataBuffer()
                .nioBuffer(4L * from, 4 * len)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asIntBuffer()
                .get(out);
        return out;
    }

    private static float[] floats(VectorSchemaRoot root, String column, int row) {
        ListVector list = (ListVector) root.getVector(column);
        int from = list.getElementStartIndex(row);
        int len = list.getElementEndIndex(row) - from;
        float[] out = new float[len];
        ((Float4Vector) list.getDataVector())
                .getDataBuffer()
                .nioBuffer(4L * from, 4 * len)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(out);
        return out;
    }
}
