package dev.ssb.bench;

import dev.ssb.fixtures.RandomCheckpoints;
import dev.ssb.logits.LogitsSettings;
import dev.ssb.logits.TeacherLogitsStage;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.spark.Seeds;
import dev.ssb.stage.Decoding;
import dev.ssb.stage.ModelTask;
import dev.ssb.stage.SampleSettings;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.toy.Prompts;
import dev.ssb.worker.toy.ToyConversations;
import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyDifficulty;
import dev.ssb.worker.toy.ToyProblem;
import dev.ssb.worker.toy.ToyTokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * (1) Rollout throughput through Spark local[2] against the same generate calls made directly in
 * one process, on a toy-shaped model (the embedded checkpoint when present, else random weights of
 * its shape: hidden 128, 4 layers, 4/2 heads, vocab 128, toy tokenizer). (2) Bytes per reply token
 * of {@code teacher_logits} on disk at k = 20 and 64, for the toy vocabulary and for a Qwen-sized
 * vocabulary (a tiny random model with the Qwen3 tokenizer fixture), next to the paper code's 4 ×
 * vocab bytes.
 *
 * <p>Run: {@code ./ssb bench stages OUT_DIR [REPS=4 [PROBLEMS=48 [--no-logits]]]}.
 */
public final class StagesBenchmark {

    private static final int K = 4;
    private static final int MAX_NEW = 96;
    private static final int BATCH = 16;
    private static final long SEED = 20251205L;

    private StagesBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench").toAbsolutePath();
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 48;
        boolean logits = args.length <= 3 || !args[3].equals("--no-logits");
        Files.createDirectories(out);
        SparkSession spark =
                SparkSession.builder()
                        .appName("ssb-bench")
                        .master("local[2]")
                        .config("spark.driver.host", "127.0.0.1")
                        .config("spark.driver.bindAddress", "127.0.0.1")
                        .config("spark.ui.enabled", "false")
                        .config("spark.sql.shuffle.partitions", "2")
                        .getOrCreate();
        String toy = toyCheckpoint(out);
        List<ToyProblem> problems =
                ToyDataset.generate(7, count, 0, ToyDifficulty.standard()).train();
        String system = Prompts.defaults().system();
        rollouts(spark, toy, problems, system, out, reps);
        if (logits) {
            for (String checkpoint : List.of(toy, qwenVocabCheckpoint(out))) {
                logitBytes(spark, checkpoint, problems, system, out);
            }
        }
        spark.stop();
    }

    /** A tiny random model with the Qwen3 tokenizer: top-k ids as large as a real Qwen's. */
    private static String qwenVocabCheckpoint(Path out) {
        ModelConfig qwenShape =
                new ModelConfig(
                        "qwen2",
                        16,
                        24,
                        2,
                        2,
                        1,
                        8,
                        10000.0,
                        1e-6,
                        151_680,
                        true,
                        true,
                        2048,
                        -1,
                        List.of(151645));
        Path qwenTokenizer =
                Path.of(
                        System.getProperty("ssb.repo.dir", "."),
                        "model-worker/src/test/resources/dev/ssb/worker/text/qwen3-tokenizer");
        return RandomCheckpoints.write(
                        out.resolve("qwen-vocab-random"), qwenShape, qwenTokenizer, 2)
                .toString();
    }

    private static String toyCheckpoint(Path out) {
        if (StagesBenchmark.class
                        .getClassLoader()
                        .getResource("dev/ssb/worker/toy/model/config.json")
                != null) {
            return ModelWorker.EMBEDDED;
        }
        System.out.println(
                "toy model: random weights of the embedded shape (hidden 128, 4 layers, 4/2 heads,"
                        + " vocab 128)");
        return RandomCheckpoints.toy(out.resolve("toy-random"), 128, 384, 4, 4, 1).toString();
    }

    private static void rollouts(
            SparkSession spark,
            String checkpoint,
            List<ToyProblem> toy,
            String system,
            Path out,
            int reps) {
        SampleSettings settings =
                new SampleSettings(
                        new ModelTask(
                                checkpoint,
                                false,
                                Device.DType.FLOAT32,
                                SEED,
                                system,
                                "bench",
                                "bench"),
                        K,
                        new Decoding(0.8f, 50, 1f, MAX_NEW),
                        BATCH);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < toy.size(); i++) {
            rows.add(
                    RowFactory.create(
                            "toy:" + i,
                            toy.get(i).question(),
                            Integer.toString(toy.get(i).answer())));
        }
        Dataset<Row> problems =
                spark.createDataFrame(rows, RolloutStage.INPUT_SCHEMA).repartition(2).cache();
        problems.count();
        try (LanguageModel model = ModelWorker.load(checkpoint, Device.cpu())) {
            direct(model, toy.subList(0, 4), system); // warm-up
            RolloutStage.transform(problems.limit(4), settings).count();
            double[] directSeconds = new double[reps];
            double[] sparkSeconds = new double[reps];
            long tokens = 0;
            String path = out.resolve("rollouts").toString();
            for (int rep = 0; rep < reps; rep++) {
                for (int turn = 0; turn < 2; turn++) {
                    if ((turn == 0) == (rep % 2 == 0)) { // alternate which side goes first
                        double[] d = direct(model, toy, system);
                        directSeconds[rep] = d[0];
                        tokens = (long) d[1];
                    } else {
                        long t0 = System.nanoTime();
                        RolloutStage.transform(problems, settings)
                                .write()
                                .mode(SaveMode.Overwrite)
                                .parquet(path);
                        sparkSeconds[rep] = (System.nanoTime() - t0) / 1e9;
                    }
                }
                System.out.printf(
                        "rep %d: direct %.2f s, spark %.2f s%n",
                        rep, directSeconds[rep], sparkSeconds[rep]);
            }
            long sparkTokens =
                    spark.read().parquet(path).agg(functions.sum("num_tokens")).first().getLong(0);
            if (sparkTokens != tokens) {
                throw new IllegalStateException(
                        "Spark decoded " + sparkTokens + " tokens, direct " + tokens);
            }
            double direct = median(directSeconds);
            double viaSpark = median(sparkSeconds);
            System.out.printf(
                    "rollout %d problems x %d samples (%d tokens), max %d new tokens, batch %d,"
                            + " model %s, %d reps%n"
                            + "  direct (median): %.1f tokens/s, %.2f problems/s (best %.1f tokens/s)%n"
                            + "  spark local[2] (median): %.1f tokens/s, %.2f problems/s (best %.1f"
                            + " tokens/s)%n"
                            + "  spark overhead, time spark / direct: median %.3f, best %.3f%n",
                    toy.size(),
                    K,
                    tokens,
                    MAX_NEW,
                    BATCH,
                    model.modelId(),
                    reps,
                    tokens / direct,
                    toy.size() / direct,
                    tokens / min(directSeconds),
                    tokens / viaSpark,
                    toy.size() / viaSpark,
                    tokens / min(sparkSeconds),
                    viaSpark / direct,
                    min(sparkSeconds) / min(directSeconds));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    /**
     * The rollout partition's work without Spark: same prompts, seeds, batches. @return {s, tokens}
     */
    private static double[] direct(LanguageModel model, List<ToyProblem> toy, String system) {
        long t0 = System.nanoTime();
        long tokens = 0;
        int perBatch = Math.max(1, BATCH / K);
        for (int start = 0; start < toy.size(); start += perBatch) {
            List<GenerationRequest> requests = new ArrayList<>();
            for (int p = start; p < Math.min(toy.size(), start + perBatch); p++) {
                int[] prompt =
                        model.encodeChat(
                                List.of(
                                        ChatMessage.system(system),
                                        ChatMessage.user(toy.get(p).question())),
                                true);
                for (int s = 0; s < K; s++) {
                    requests.add(new GenerationRequest(prompt, Seeds.seed(SEED, "toy:" + p, s)));
                }
            }
            for (Generation g :
                    model.generate(
                            requests,
                            new dev.ssb.worker.api.SamplingParams(0.8f, 50, 1f, MAX_NEW))) {
                tokens += g.tokenIds().length;
            }
        }
        return new double[] {(System.nanoTime() - t0) / 1e9, tokens};
    }

    private static void logitBytes(
            SparkSession spark, String checkpoint, List<ToyProblem> toy, String system, Path out)
            throws IOException {
        ToyConversations conversations = new ToyConversations(Prompts.defaults());
        List<Row> contexts = new ArrayList<>();
        int vocab;
        try (LanguageModel model = ModelWorker.load(checkpoint, Device.cpu())) {
            vocab = model.config().vocabSize();
            int endOfTurn = model.tokenizer().tokenId(ToyTokenizerFiles.IM_END).orElseThrow();
            for (int i = 0; i < toy.size(); i++) {
                List<ChatMessage> turns =
                        conversations.teacher(toy.get(i), new SplittableRandom(i));
                int[] prompt = model.encodeChat(turns.subList(0, 2), true);
                int[] text = model.tokenizer().encode(turns.get(2).content());
                int[] reply = Arrays.copyOf(text, text.length + 1);
                reply[text.length] = endOfTurn;
                contexts.add(
                        RowFactory.create("toy:" + i, toy.get(i).question(), prompt, reply, true));
            }
        }
        Dataset<Row> input =
                spark.createDataFrame(contexts, TeacherLogitsStage.INPUT_SCHEMA).repartition(2);
        for (int k : new int[] {20, 64}) {
            for (String codec : new String[] {"snappy", "zstd"}) {
                Path dir = out.resolve("logits-" + k + "-" + codec + "-" + vocab);
                LogitsSettings settings =
                        new LogitsSettings(
                                new ModelTask(
                                        checkpoint,
                                        false,
                                        Device.DType.FLOAT32,
                                        0L,
                                        system,
                                        "bench",
                                        "bench"),
                                k,
                                2f,
                                8);
                TeacherLogitsStage.transform(input, settings)
                        .write()
                        .mode(SaveMode.Overwrite)
                        .option("compression", codec)
                        .parquet(dir.toString());
                Dataset<Row> written = spark.read().parquet(dir.toString());
                long tokens = written.agg(functions.sum("reply_len")).first().getLong(0);
                Path topk = out.resolve(dir.getFileName() + "-topk-only");
                written.select("topk_ids", "topk_logits", "logsumexp")
                        .write()
                        .mode(SaveMode.Overwrite)
                        .option("compression", codec)
                        .parquet(topk.toString());
                double table = partBytes(dir) / (double) tokens;
                double topkOnly = partBytes(topk) / (double) tokens;
                System.out.printf(
                        "teacher_logits vocab %d, k=%d, %s: %d reply tokens; whole table %.1f"
                                + " bytes/token, top-k columns only %.1f bytes/token; paper code"
                                + " 4 x vocab = %d bytes/token (%.0fx the whole table)%n",
                        vocab, k, codec, tokens, table, topkOnly, 4L * vocab, 4.0 * vocab / table);
            }
        }
    }

    private static long partBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("part-"))
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }
}
