package dev.ssb.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.DistillStage;
import dev.ssb.fixtures.RandomCheckpoints;
import dev.ssb.ingest.IngestStage;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.table.Manifest;
import dev.ssb.table.RunLayout;
import dev.ssb.testing.ConfFile;
import dev.ssb.testing.StandaloneCluster;
import dev.ssb.testing.SubmitResult;
import dev.ssb.testing.TestBuild;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.ModelWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The scale rehearsal of issue 19: a random checkpoint with Qwen2.5-3B-Instruct's exact shapes
 * (hidden 2048, 16 query / 2 KV heads, head_dim 128, MLP 11008, vocabulary 151,936, tied
 * embeddings) but 2 of its 36 layers, with the Qwen3 tokenizer fixture, on a standalone cluster of
 * two one-core executor JVMs: the real rollout (8 prompts × 2 samples × 32 new tokens),
 * teacher-logits (8 replies of 256 tokens, k = 20) and distill (4 steps of batch 4, LoRA r = 32 on
 * all seven projections, 2 workers) stages in one application ({@link ScaleRehearsal}). Writes
 * {@code DIR/scale.json} with the peak RSS of the driver and of each executor JVM and prints a
 * table.
 *
 * <p>Run: {@code ./ssb bench scale --out DIR [--shape tiny]} ({@code tiny}: hidden 64, to try the
 * flow in a minute). The tokenizer comes from {@code -Dssb.qwen.tokenizer=DIR}, else the
 * repository's test fixture {@code model-worker/src/test/resources/dev/ssb/worker/text/
 * qwen3-tokenizer}.
 */
public final class ScaleBenchmark {

    static final int LAYERS = 2;
    static final int PROMPTS = 8;
    static final int SAMPLES = 2;
    static final int NEW_TOKENS = 32;
    static final int REPLY_TOKENS = 256;
    static final int TOP_K = 20;
    static final float T = 2f;
    static final int IM_END = 151_645;
    static final int EXECUTORS = 2;

    private ScaleBenchmark() {}

    /** Qwen2.5-3B-Instruct's config.json, but {@code layers} decoder layers. */
    static ModelConfig qwen25x3b(int layers) {
        return qwen(2048, 11008, layers, 16, 128);
    }

    /** The same vocabulary and heads layout at hidden 64: to try the flow, and to tokenize. */
    static ModelConfig tiny() {
        return qwen(64, 128, 2, 4, 16);
    }

    private static ModelConfig qwen(int hidden, int mlp, int layers, int heads, int headDim) {
        return new ModelConfig(
                "qwen2",
                hidden,
                mlp,
                layers,
                heads,
                2,
                headDim,
                1_000_000.0,
                1e-6,
                151_936,
                true,
                true,
                32_768,
                -1,
                List.of(IM_END, 151_643));
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        boolean tiny = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]).toAbsolutePath();
            } else if (args[i].equals("--shape") && i + 1 < args.length) {
                tiny = args[++i].equals("tiny");
            }
        }
        if (out == null) {
            System.err.println("usage: ./ssb bench scale --out DIR [--shape tiny]");
            System.exit(2);
        }
        Files.createDirectories(out);
        Path tokenizer =
                Path.of(
                        System.getProperty(
                                "ssb.qwen.tokenizer",
                                Path.of(
                                                System.getProperty("ssb.repo.dir", "."),
                                                "model-worker/src/test/resources/dev/ssb/worker/text",
                                                "qwen3-tokenizer")
                                        .toString()));
        ObjectNode json = new ObjectMapper().createObjectNode();
        ObjectNode stages = json.putObject("stages");
        long start = System.nanoTime();

        long t0 = System.nanoTime();
        ModelConfig shape = tiny ? tiny() : qwen25x3b(LAYERS);
        Path checkpoint =
                RandomCheckpoints.writeUniform(
                        out.resolve(tiny ? "tiny-qwen" : "qwen2.5-3b-shape-2-layers"),
                        shape,
                        tokenizer,
                        3);
        json.put("parameters", parameters(shape));
        json.put("layers", shape.numHiddenLayers());
        stage(stages, "write_checkpoint", (System.nanoTime() - t0) / 1e9, 0);
        // prompts are tokenized here on a tiny model with the same tokenizer and template
        Path encoder =
                tiny
                        ? checkpoint
                        : RandomCheckpoints.writeUniform(
                                out.resolve("tiny-qwen"), tiny(), tokenizer, 4);

        SparkSession spark =
                SparkSession.builder()
                        .appName("ssb-bench-scale")
                        .master("local[1]")
                        .config("spark.driver.host", "127.0.0.1")
                        .config("spark.driver.bindAddress", "127.0.0.1")
                        .config("spark.ui.enabled", "false")
                        .config("spark.sql.shuffle.partitions", "1")
                        .getOrCreate();
        Path problems = writeProblems(out.resolve("scale_train.jsonl"));
        SsbConfig config = config(out, checkpoint, problems);
        RunLayout layout = new RunLayout(config.out(), config.runId());
        t0 = System.nanoTime();
        IngestStage.run(spark, config, true);
        try (LanguageModel model = ModelWorker.load(encoder.toString(), Device.cpu())) {
            ScaleContexts.write(spark, config, model, REPLY_TOKENS);
        }
        stage(stages, "ingest_and_contexts_local", (System.nanoTime() - t0) / 1e9, 0);

        Map<String, String> sparkConf = StandaloneCluster.oneCoreExecutors(EXECUTORS, "2g");
        sparkConf.put("spark.driver.memory", "2g");
        sparkConf.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "300s");
        sparkConf.put("spark.executorEnv.MALLOC_MMAP_THRESHOLD_", "1048576");
        sparkConf.put("spark.ssb.model.cache", "1");
        Map<String, Path> manifests = new LinkedHashMap<>();
        manifests.put("rollout", manifest(layout, RolloutStage.ROLLOUTS));
        manifests.put("teacher_logits", manifest(layout, DistillStage.TEACHER_LOGITS));
        manifests.put("distill", manifest(layout, DistillStage.TRAIN_METRICS));
        PeakRss rss = new PeakRss(manifests);
        Thread sampler = new Thread(rss, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        SubmitResult result;
        t0 = System.nanoTime();
        try (StandaloneCluster cluster =
                StandaloneCluster.builder()
                        .workerCores(EXECUTORS)
                        .workerMemory("6g")
                        .submitTimeout(Duration.ofMinutes(30))
                        .start()) {
            result =
                    cluster.submit(
                            ScaleRehearsal.class.getName(),
                            TestBuild.appClasspath(),
                            sparkConf,
                            ConfFile.write(config, out.resolve("scale.properties")).toString());
        }
        rss.stop();
        sampler.join();
        json.put("cluster_seconds", (System.nanoTime() - t0) / 1e9);
        if (!result.succeeded()) {
            throw new IllegalStateException(
                    "Cannot run the rehearsal on the cluster: " + result.describe());
        }

        long newTokens =
                spark.read()
                        .parquet(layout.tablePath(RolloutStage.ROLLOUTS).toString())
                        .agg(functions.sum("num_tokens"))
                        .first()
                        .getLong(0);
        stage(stages, "rollout", seconds(manifests.get("rollout")), newTokens);
        Path logits = Path.of(layout.tablePath(DistillStage.TEACHER_LOGITS).toString());
        long replyTokens =
                Manifest.fromJson(Files.readAllBytes(manifests.get("teacher_logits")))
                        .count("reply_tokens");
        stage(stages, "teacher_logits", seconds(manifests.get("teacher_logits")), replyTokens);
        json.put("teacher_logits_bytes_per_reply_token", (double) bytes(logits) / replyTokens);

        List<Row> metrics =
                spark.read()
                        .parquet(layout.tablePath(DistillStage.TRAIN_METRICS).toString())
                        .orderBy("step")
                        .collectAsList();
        long distillTokens = metrics.stream().mapToLong(r -> r.<Long>getAs("tokens")).sum();
        double stepSeconds =
                metrics.stream().mapToLong(r -> r.<Long>getAs("step_ms")).sum() / 1000.0;
        ObjectNode d = stage(stages, "distill", seconds(manifests.get("distill")), 0);
        d.put("step_seconds", stepSeconds);
        d.put("tokens", distillTokens);
        d.put("tokens_per_s", distillTokens / stepSeconds);
        long adapterBytes =
                4
                        * LoraAdapter.load(
                                        Path.of(layout.tablePath(DistillStage.ADAPTER).toString()))
                                .parameterCount();
        json.put("adapter_bytes", adapterBytes);
        ArrayNode perStep = json.putArray("driver_bytes_per_step");
        metrics.forEach(r -> perStep.add(r.<Long>getAs("driver_bytes")));
        json.put("workers", metrics.get(0).<Integer>getAs("workers"));
        json.put("steps", metrics.size());
        rss.report(json.putObject("peak_rss_bytes"));
        json.put("total_seconds", (System.nanoTime() - start) / 1e9);
        spark.stop();

        Files.writeString(
                out.resolve("scale.json"),
                new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(json));
        print(json);
    }

    static long parameters(ModelConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long perLayer =
                h * q + q + 2 * (h * kv + kv) + q * h + 3 * h * c.intermediateSize() + 2 * h;
        return (long) c.vocabSize() * h + c.numHiddenLayers() * perLayer + h;
    }

    /** A GSM8K-shaped file of {@link #PROMPTS} word problems. */
    private static Path writeProblems(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PROMPTS; i++) {
            int n = 40 + i;
            lines.add(
                    mapper.writeValueAsString(
                            Map.of(
                                    "question",
                                    "Natalia sold clips to "
                                            + n
                                            + " of her friends in April, and then she sold half as"
                                            + " many clips in May. How many clips did Natalia sell"
                                            + " altogether in April and May?",
                                    "answer",
                                    "She sold " + n + " / 2 in May.\n#### " + (n + n / 2))));
        }
        return Files.write(file, lines);
    }

    private static SsbConfig config(Path out, Path checkpoint, Path problems) {
        return SsbConfig.defaults()
                .with(SsbProperties.OUT, out.resolve("runs").toString())
                .with(SsbProperties.RUN_ID, "scale")
                .with(SsbProperties.DATA_PROBLEMS, problems.toString())
                .with(SsbProperties.DATA_PARTITIONS, EXECUTORS)
                .with(SsbProperties.MODEL_CHECKPOINT, checkpoint.toString())
                .with(SsbProperties.ROLLOUT_SAMPLES, SAMPLES)
                .with(SsbProperties.ROLLOUT_MAX_NEW_TOKENS, NEW_TOKENS)
                .with(SsbProperties.ROLLOUT_TOP_K, 50)
                .with(SsbProperties.ROLLOUT_TEMPERATURE, 0.8)
                .with(SsbProperties.LOGITS_TOP_K, TOP_K)
                .with(SsbProperties.LOGITS_TEMPERATURE, T)
                .with(SsbProperties.DISTILL_KD_TEMPERATURE, T)
                .with(SsbProperties.DISTILL_LORA_RANK, 32)
                .with(SsbProperties.DISTILL_LORA_ALPHA, 32)
                .with(SsbProperties.DISTILL_BATCH_SIZE, 4)
                .with(SsbProperties.DISTILL_EPOCHS, 2) // 8 replies / batch 4 x 2 epochs = 4 steps
                .with(SsbProperties.DISTILL_WORKERS, EXECUTORS)
                .with(SsbProperties.DISTILL_CHECKPOINT_EVERY, 4)
                .with(SsbProperties.DISTILL_LOG_EVERY, 1);
    }

    private static Path manifest(RunLayout layout, String table) {
        return Path.of(layout.manifestPath(table).toString());
    }

    /** The stage's wall time inside the application, from its manifest. */
    private static double seconds(Path manifest) throws IOException {
        return Manifest.fromJson(Files.readAllBytes(manifest)).durationMs() / 1000.0;
    }

    private static ObjectNode stage(ObjectNode stages, String name, double s, long tokens) {
        ObjectNode n = stages.putObject(name);
        n.put("seconds", s);
        if (tokens > 0) {
            n.put("tokens", tokens);
            n.put("tokens_per_s", tokens / s);
        }
        System.out.printf("%s: %.1f s%n", name, s);
        return n;
    }

    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    private static void print(ObjectNode json) {
        System.out.println();
        System.out.printf("%-38s %s%n", "adapter_bytes", json.get("adapter_bytes"));
        System.out.printf("%-38s %s%n", "driver_bytes_per_step", json.get("driver_bytes_per_step"));
        System.out.printf("%-38s %s%n", "workers", json.get("workers"));
        System.out.printf(
                "%-38s %.1f%n",
                "teacher_logits bytes / reply token",
                json.get("teacher_logits_bytes_per_reply_token").asDouble());
        json.get("peak_rss_bytes")
                .fields()
                .forEachRemaining(
                        e ->
                                System.out.printf(
                                        "%-38s %s%n", "peak RSS " + e.getKey(), e.getValue()));
        json.get("stages")
                .fields()
                .forEachRemaining(
                        e ->
                                System.out.printf(
                                        "%-38s %8.1f s %10.1f tokens/s%n",
                                        e.getKey(),
                                        e.getValue().path("seconds").asDouble(),
                                        e.getValue().path("tokens_per_s").asDouble()));
        System.out.printf("%-38s %8.1f s%n", "total", json.get("total_seconds").asDouble());
    }
}
