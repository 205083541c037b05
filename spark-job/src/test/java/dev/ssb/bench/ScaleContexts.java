package dev.ssb.bench;

import dev.ssb.config.SsbConfig;
import dev.ssb.curate.CurateStage;
import dev.ssb.ingest.IngestStage;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.LanguageModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Random replies, so that teacher-logits and distill have accepted contexts to work on. */
final class ScaleContexts {

    private ScaleContexts() {}

    /**
     * Commits a {@code teacher_contexts} table in place of curate (a random model answers nothing
     * correctly, so curate would accept nothing): every problem accepted, the teacher prompt
     * [system hint, user: question], the reply {@code length} random ids ending with {@code
     * <|im_end|>} (a random model's own replies would stop anywhere).
     */
    static void write(SparkSession spark, SsbConfig config, LanguageModel model, int length) {
        RunLayout layout = new RunLayout(config.out(), config.runId());
        List<Row> problems =
                spark.read()
                        .parquet(layout.tablePath(IngestStage.PROBLEMS).toString())
                        .orderBy("problem_id")
                        .collectAsList();
        Random random = new Random(5);
        int valid = Math.min(model.tokenizer().vocabSize(), 150_000);
        List<Row> rows = new ArrayList<>();
        for (Row p : problems) {
            String question = p.getAs("question");
            String hint = "Solve it carefully, step by step.";
            int[] prompt =
                    model.encodeChat(
                            List.of(ChatMessage.system(hint), ChatMessage.user(question)), true);
            int[] reply = new int[length];
            for (int j = 0; j < reply.length - 1; j++) {
                reply[j] = random.nextInt(valid);
            }
            reply[reply.length - 1] = ScaleBenchmark.IM_END;
            rows.add(
                    RowFactory.create(
                            p.<String>getAs("problem_id"),
                            question,
                            p.<String>getAs("gold_answer"),
                            ScaleBenchmark.SAMPLES,
                            1,
                            1,
                            0,
                            1,
                            "0",
                            1,
                            question,
                            prompt,
                            0L,
                            "",
                            reply,
                            "STOP",
                            "CORRECT",
                            p.<String>getAs("gold_answer"),
                            true,
                            null,
                            "random",
                            config.runId(),
                            config.hash()));
        }
        new StageOutput(spark, layout, CurateStage.NAME, List.of(CurateStage.TEACHER_CONTEXTS))
                .run(
                        config,
                        "scale",
                        true,
                        o ->
                                new StageOutput.Result(
                                        List.of(),
                                        "random",
                                        Map.of(
                                                "accepted",
                                                o.writeTable(
                                                        CurateStage.TEACHER_CONTEXTS,
                                                        spark.createDataFrame(
                                                                rows,
                                                                CurateStage
                                                                        .TEACHER_CONTEXTS_SCHEMA)))));
    }
}
