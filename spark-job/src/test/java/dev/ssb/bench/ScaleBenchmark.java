package dev.ssb.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.cli.SsbCommand;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.DistillStage;
import dev.ssb.fixtures.RandomCheckpoints;
import dev.ssb.logits.TeacherLogitsStage;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import dev.ssb.testing.StandaloneCluster;
import dev.ssb.testing.SubmitResult;
import dev.ssb.testing.TestBuild;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.api.TeacherLogitsRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The scale rehearsal of issue 19: a random checkpoint with Qwen2.5-3B-Instruct's exact shapes
 * (hidden 2048, 16 query / 2 KV heads, head_dim 128, MLP 11008, vocabulary 151,936, tied
 * embeddings) but 2 of its 36 layers, with the Qwen3 tokenizer fixture. Rollout (8 prompts × 2
 * samples × 32 new tokens) and teacher logits (8 replies of 256 tokens, k = 20) run on the model in
 * this JVM; distill (4 steps of batch 4, LoRA r = 32 on all seven projections, 2 workers) is
 * submitted to a standalone cluster of two one-core executor JVMs. Writes {@code DIR/scale.json}
 * and prints a table.
 *
 * <p>Run: {@code ./ssb bench scale --out DIR}. The tokenizer comes from {@code
 * -Dssb.qwen.tokenizer=DIR}, else the repository's test fixture {@code
 * model-worker/src/test/resources/dev/ssb/worker/text/qwen3-tokenizer}.
 */
public final class ScaleBenchmark {

    static final int LAYERS = 2;
    static final int PROMPTS = 8;
    static final int SAMPLES = 2;
    static final int NEW_TOKENS = 32;
    static final int REPLIES = 8;
    static final int REPLY_TOKENS = 256;
    static final int TOP_K = 20;
    static final float T = 2f;
    static final int IM_END = 151_645;

    private ScaleBenchmark() {}

    /** Qwen2.5-3B-Instruct's config.json, but {@code layers} decoder layers. */
    static ModelConfig qwen25x3b(int layers) {
        return new ModelConfig(
                "qwen2",
                2048,
                11008,
                layers,
                16,
                2,
                128,
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
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]).toAbsolutePath();
            }
        }
        if (out == null) {
            System.err.println("usage: ./ssb bench scale --out DIR");
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

        long t0 = System.nanoTime();
        Path checkpoint =
                RandomCheckpoints.write(
                        out.resolve("qwen2.5-3b-shape-2-layers"), qwen25x3b(LAYERS), tokenizer, 3);
        stage(stages, "write_checkpoint", t0, 0);

        SparkSession spark =
                SparkSession.builder()
                        .appName("ssb-bench-scale")
                        .master("local[1]")
                        .config("spark.driver.host", "127.0.0.1")
                        .config("spark.driver.bindAddress", "127.0.0.1")
                        .config("spark.ui.enabled", "false")
                        .config("spark.sql.shuffle.partitions", "1")
                        .getOrCreate();
        SsbConfig config = config(out, checkpoint);
        long replyTokens;
        try (LanguageModel model = ModelWorker.load(checkpoint.toString(), Device.cpu())) {
            json.put("parameters", parameters(model.config()));
            // rollout: 8 prompts x 2 samples, 32 new tokens each
            List<GenerationRequest> requests = new ArrayList<>();
            for (int p = 0; p < PROMPTS; p++) {
                int[] prompt = model.encodeChat(List.of(ChatMessage.user(question(p))), true);
                for (int s = 0; s < SAMPLES; s++) {
                    requests.add(new GenerationRequest(prompt, 1000L * p + s));
                }
            }
            t0 = System.nanoTime();
            List<Generation> generated =
                    model.generate(requests, new SamplingParams(0.8f, 50, 1f, NEW_TOKENS));
            long newTokens = generated.stream().mapToLong(g -> g.tokenIds().length).sum();
            stage(stages, "rollout", t0, newTokens);

            // teacher logits: 8 replies of 256 tokens (random ids ending with <|im_end|>), k = 20
            Random random = new Random(5);
            List<TeacherLogitsRequest> scoring = new ArrayList<>();
            List<int[]> students = new ArrayList<>();
            int valid = model.tokenizer().vocabSize();
            for (int i = 0; i < REPLIES; i++) {
                students.add(model.encodeChat(List.of(ChatMessage.user(question(i))), true));
                int[] teacher =
                        model.encodeChat(
                                List.of(
                                        ChatMessage.system("Solve it carefully, step by step."),
                                        ChatMessage.user(question(i))),
                                true);
                int[] reply = new int[REPLY_TOKENS];
                for (int j = 0; j < reply.length - 1; j++) {
                    reply[j] = random.nextInt(Math.min(valid, 150_000));
                }
                reply[reply.length - 1] = IM_END;
                scoring.add(new TeacherLogitsRequest(teacher, reply));
            }
            t0 = System.nanoTime();
            List<TeacherLogits> scored = model.teacherLogits(scoring, TOP_K, T);
            replyTokens = (long) REPLIES * REPLY_TOKENS;
            stage(stages, "teacher_logits", t0, replyTokens);
            writeTeacherLogits(spark, config, model, scoring, students, scored);
        }
        Path table = Path.of(config.out(), config.runId(), DistillStage.TEACHER_LOGITS);
        json.put("teacher_logits_bytes_per_reply_token", (double) bytes(table) / replyTokens);

        // distill on a 2-executor standalone cluster, driver in its own JVM (spark-submit)
        Path conf = out.resolve("scale.properties");
        Files.writeString(
                conf,
                config.values().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("\n")));
        Map<String, String> sparkConf = new LinkedHashMap<>();
        sparkConf.put("spark.executor.cores", "1");
        sparkConf.put("spark.cores.max", "2");
        sparkConf.put("spark.executor.memory", "2g");
        sparkConf.put("spark.driver.memory", "2g");
        sparkConf.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        sparkConf.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "300s");
        sparkConf.put("spark.executorEnv.MALLOC_MMAP_THRESHOLD_", "1048576");
        sparkConf.put("spark.ssb.model.cache", "1");
        sparkConf.put(
                "spark.executor.extraJavaOptions",
                "-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1"
                        + " -Dai.djl.pytorch.num_interop_threads=1");
        PeakRss rss = new PeakRss();
        Thread sampler = new Thread(rss, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        SubmitResult result;
        t0 = System.nanoTime();
        try (StandaloneCluster cluster =
                StandaloneCluster.builder()
                        .workerCores(2)
                        .workerMemory("6g")
                        .submitTimeout(Duration.ofMinutes(20))
                        .start()) {
            result =
                    cluster.submit(
                            SsbCommand.class.getName(),
                            TestBuild.appClasspath(),
                            sparkConf,
                            "distill",
                            "--conf",
                            conf.toString());
        }
        rss.stop();
        if (!result.succeeded()) {
            throw new IllegalStateException(
                    "Cannot run distill on the cluster: " + result.describe());
        }
        RunLayout layout = new RunLayout(config.out(), config.runId());
        List<Row> metrics =
                spark.read()
                        .parquet(layout.tablePath(DistillStage.TRAIN_METRICS).toString())
                        .orderBy("step")
                        .collectAsList();
        long distillTokens = metrics.stream().mapToLong(r -> r.<Long>getAs("tokens")).sum();
        double stepSeconds =
                metrics.stream().mapToLong(r -> r.<Long>getAs("step_ms")).sum() / 1000.0;
        ObjectNode d = stages.putObject("distill");
        d.put("seconds_submit", (System.nanoTime() - t0) / 1e9);
        d.put("seconds", stepSeconds);
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
        ObjectNode peaks = json.putObject("peak_rss_bytes");
        peaks.put("bench_jvm_rollout_and_teacher_logits", status("self", "VmHWM"));
        peaks.put("driver", rss.peak("SparkSubmit"));
        ArrayNode executors = peaks.putArray("executors");
        rss.peaks("CoarseGrainedExecutorBackend").forEach(executors::add);
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

    private static String question(int i) {
        return "Natalia sold clips to "
                + (40 + i)
                + " of her friends in April, and then she sold"
                + " half as many clips in May. How many clips did Natalia sell altogether?";
    }

    private static SsbConfig config(Path out, Path checkpoint) {
        return SsbConfig.defaults()
                .with(SsbProperties.OUT, out.resolve("runs").toString())
                .with(SsbProperties.RUN_ID, "scale")
                .with(SsbProperties.MODEL_CHECKPOINT, checkpoint.toString())
                .with(SsbProperties.LOGITS_TOP_K, TOP_K)
                .with(SsbProperties.LOGITS_TEMPERATURE, T)
                .with(SsbProperties.DISTILL_KD_TEMPERATURE, T)
                .with(SsbProperties.DISTILL_LORA_RANK, 32)
                .with(SsbProperties.DISTILL_LORA_ALPHA, 32)
                .with(SsbProperties.DISTILL_BATCH_SIZE, 4)
                .with(SsbProperties.DISTILL_EPOCHS, 2) // 8 replies / batch 4 x 2 epochs = 4 steps
                .with(SsbProperties.DISTILL_WORKERS, 2)
                .with(SsbProperties.DISTILL_CHECKPOINT_EVERY, 4)
                .with(SsbProperties.DISTILL_LOG_EVERY, 1);
    }

    private static void writeTeacherLogits(
            SparkSession spark,
            SsbConfig config,
            LanguageModel model,
            List<TeacherLogitsRequest> requests,
            List<int[]> students,
            List<TeacherLogits> scored) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            TeacherLogits t = scored.get(i);
            TeacherLogitsRequest r = requests.get(i);
            rows.add(
                    RowFactory.create(
                            String.format("scale:%04d", i),
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
        RunLayout layout = new RunLayout(config.out(), config.runId());
        new StageOutput(spark, layout, "teacher-logits", List.of(DistillStage.TEACHER_LOGITS))
                .run(
                        config,
                        "scale",
                        true,
                        o -> {
                            long written =
                                    o.writeTable(
                                            DistillStage.TEACHER_LOGITS,
                                            spark.createDataFrame(
                                                    rows,
                                                    TeacherLogitsStage.TEACHER_LOGITS_SCHEMA));
                            return new StageOutput.Result(
                                    List.of(), model.modelId(), Map.of("teacher_logits", written));
                        });
    }

    private static void stage(ObjectNode stages, String name, long t0, long tokens) {
        double s = (System.nanoTime() - t0) / 1e9;
        ObjectNode n = stages.putObject(name);
        n.put("seconds", s);
        if (tokens > 0) {
            n.put("tokens", tokens);
            n.put("tokens_per_s", tokens / s);
        }
        System.out.printf("%s: %.1f s%n", name, s);
    }

    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    /** A /proc/PID/status field in bytes (it is given in kB), 0 when unreadable. */
    static long status(String pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith(field + ":")) {
                    return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between listing and reading
        }
        return 0;
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
    }

    /**
     * Samples the resident peak ({@code VmHWM}) of this JVM's descendant processes every half
     * second: the cluster's driver and executor JVMs, told apart by their command line.
     */
    static final class PeakRss implements Runnable {
        private final Map<Long, Long> peaks = new ConcurrentHashMap<>();
        private final Map<Long, String> commands = new ConcurrentHashMap<>();
        private volatile boolean running = true;

        @Override
        public void run() {
            while (running) {
                ProcessHandle.current()
                        .descendants()
                        .forEach(
                                p -> {
                                    String cmd = commandLine(p.pid());
                                    long hwm = status(Long.toString(p.pid()), "VmHWM");
                                    if (hwm > 0) {
                                        commands.putIfAbsent(p.pid(), cmd);
                                        peaks.merge(p.pid(), hwm, Math::max);
                                    }
                                });
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /**
         * /proc/PID/cmdline: {@code ProcessHandle.Info.commandLine()} is empty for the executors,
         * whose class paths are too long for it.
         */
        private static String commandLine(long pid) {
            try {
                return new String(
                                Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                                java.nio.charset.StandardCharsets.UTF_8)
                        .replace('\0', ' ');
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }

        void stop() {
            running = false;
        }

        List<Long> peaks(String commandPart) {
            return peaks.entrySet().stream()
                    .filter(e -> commands.getOrDefault(e.getKey(), "").contains(commandPart))
                    .map(Map.Entry::getValue)
                    .toList();
        }

        long peak(String commandPart) {
            return peaks(commandPart).stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }
}
