package dev.ssb.distill;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.fixtures.RandomCheckpoints;
import dev.ssb.logits.TeacherLogitsStage;
import dev.ssb.spark.ExecutorModels;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.api.TeacherLogitsRequest;
import dev.ssb.worker.toy.ToyTokenizerFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Test fixtures: a tiny random-weight Qwen2 checkpoint with the toy character tokenizer (hidden 32,
 * 2 layers, ~100 ids, so a training step takes milliseconds) and a {@code teacher_logits} table
 * scored by that model from hinted prompts, in the schema of the teacher-logits stage.
 */
final class TinyTeacherRun {

    static final int K = 8;
    static final float T = 2f;

    private TinyTeacherRun() {}

    /** A random Qwen2-shaped checkpoint over the toy tokenizer (hidden 32, 2 layers). */
    static Path writeCheckpoint(Path dir) {
        return writeCheckpoint(dir, 32, 2);
    }

    static Path writeCheckpoint(Path dir, int hidden, int layers) {
        return RandomCheckpoints.toy(dir, hidden, 2 * hidden, layers, 4, 42);
    }

    /** A run configuration with a tiny adapter and a short, fast schedule. */
    static SsbConfig config(Path out, String runId, Path checkpoint) {
        return SsbConfig.defaults()
                .with(SsbProperties.OUT, out.toString())
                .with(SsbProperties.RUN_ID, runId)
                .with(SsbProperties.MODEL_CHECKPOINT, checkpoint.toString())
                .with(SsbProperties.LOGITS_TOP_K, K)
                .with(SsbProperties.LOGITS_TEMPERATURE, T)
                .with(SsbProperties.DISTILL_KD_TEMPERATURE, T)
                .with(SsbProperties.DISTILL_LORA_RANK, 4)
                .with(SsbProperties.DISTILL_LORA_ALPHA, 8)
                .with(SsbProperties.DISTILL_LR, 1e-2)
                .with(SsbProperties.DISTILL_BATCH_SIZE, 4)
                .with(SsbProperties.DISTILL_EPOCHS, 3)
                .with(SsbProperties.DISTILL_CHECKPOINT_EVERY, 3)
                .with(SsbProperties.DISTILL_LOG_EVERY, 2);
    }

    /**
     * Writes a committed {@code teacher_logits} table of {@code n} problems for {@code config}'s
     * run: the student sees the bare question, the teacher a hint, and replies differ in length.
     */
    static void writeTeacherLogits(SparkSession spark, SsbConfig config, int n) {
        writeTeacherLogits(spark, config, n, 0);
    }

    /** As above, with {@code extra} more filler sentences in every reply (longer replies). */
    static void writeTeacherLogits(SparkSession spark, SsbConfig config, int n, int extra) {
        writeTeacherLogits(spark, config, n, extra, true);
    }

    /** As above; without {@code endOfTurn} the replies lack their final end-of-turn id. */
    static void writeTeacherLogits(
            SparkSession spark, SsbConfig config, int n, int extra, boolean endOfTurn) {
        String checkpoint = config.string(SsbProperties.MODEL_CHECKPOINT);
        List<Row> rows =
                ExecutorModels.withModel(
                        checkpoint,
                        Device.cpu(),
                        model -> rows(model, config, n, extra, endOfTurn));
        RunLayout layout = new RunLayout(config.out(), config.runId());
        new StageOutput(spark, layout, "teacher-logits", List.of(DistillStage.TEACHER_LOGITS))
                .run(
                        config,
                        "test",
                        true,
                        out -> {
                            long written =
                                    out.writeTable(
                                            DistillStage.TEACHER_LOGITS,
                                            spark.createDataFrame(
                                                    rows,
                                                    TeacherLogitsStage.TEACHER_LOGITS_SCHEMA));
                            return new StageOutput.Result(
                                    List.of(), checkpoint, Map.of("teacher_logits", written));
                        });
    }

    private static List<Row> rows(
            LanguageModel model, SsbConfig config, int n, int extra, boolean endOfTurn) {
        int imEnd = model.tokenizer().tokenId(ToyTokenizerFiles.IM_END).orElseThrow();
        List<TeacherLogitsRequest> requests = new ArrayList<>();
        List<int[]> students = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String question = "What is " + i + " plus " + (i + 3) + "?";
            students.add(model.encodeChat(List.of(ChatMessage.user(question)), true));
            int[] teacherPrompt =
                    model.encodeChat(
                            List.of(
                                    ChatMessage.system("Careful: " + i + " + " + (i + 3)),
                                    ChatMessage.user(question)),
                            true);
            int[] text =
                    model.tokenizer()
                            .encode(
                                    "Add. ".repeat(i % 3 + extra)
                                            + "So the answer is \\boxed{"
                                            + (2 * i + 3)
                                            + "}.");
            int[] reply = endOfTurn ? Arrays.copyOf(text, text.length + 1) : text;
            if (endOfTurn) {
                reply[text.length] = imEnd;
            }
            requests.add(new TeacherLogitsRequest(teacherPrompt, reply));
        }
        List<TeacherLogits> scored = model.teacherLogits(requests, K, T);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TeacherLogits t = scored.get(i);
            TeacherLogitsRequest r = requests.get(i);
            rows.add(
                    RowFactory.create(
                            String.format("toy:%04d", i),
                            students.get(i),
                            r.promptIds(),
                            r.replyIds(),
                            r.replyIds().length,
                            t.topkIds(),
                            t.topkLogits(),
                            t.logSumExp(),
                            t.k(),
                            t.temperature(),
                            model.modelId(),
                            config.runId(),
                            config.hash()));
        }
        return rows;
    }
}
