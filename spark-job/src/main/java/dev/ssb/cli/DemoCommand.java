package dev.ssb.cli;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.DistillStage;
import dev.ssb.eval.EvaluateStage;
import dev.ssb.pipeline.RunPipeline;
import dev.ssb.table.RunLayout;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.ToyData;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ssb demo}: the paper's experiment in miniature on the embedded toy model: toy problems,
 * every stage, then base vs student pass@1 on held-out toy problems.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Writes toy problems (<out>/<run-id>/toy-data/train.jsonl and test.jsonl), runs every"
                    + " stage on the training problems with the embedded toy model, then evaluates"
                    + " base and student on the held-out problems and prints the comparison.",
            "Distills with distill.lr=1e-3 on a cosine schedule after 50 warmup steps unless"
                    + " --conf or --set says otherwise (a constant 2e-4 barely moves the tiny"
                    + " model; the authors decayed 2e-4 linearly to 0: conf/paper.properties),"
                    + " on one gradient worker that takes 16 steps per Spark job"
                    + " (distill.workers=1, distill.sync_every=16: exact with one worker).",
            "Prints greedy pass@1 (one reply per problem at temperature 0) next to sampled"
                    + " pass@1 and maj@n, the strict verdict and mean reply tokens, for base and"
                    + " student, with 95% intervals and student - base.",
            "Example: ssb demo",
            "Smaller: ssb demo --train 64 --test 500 --set eval.samples=1"
        })
final class DemoCommand implements Callable<Integer> {

    static final String DEFAULT_RUN_ID = "demo";

    /**
     * The demo's own settings, above the shipped defaults (a {@code --conf} file or {@code --set}
     * overrides them), chosen on the dev split (docs/experiments.md, the demo's tuning history): a
     * constant lr of 2e-4 barely moved the tiny model; 1e-3 decayed on a cosine schedule after 50
     * warmup steps gained the most. One gradient worker taking 16 steps per Spark job trains
     * exactly as a job per step would (local SGD with one worker is synchronous training, bit for
     * bit) and saved 17% of distill's time on the demo's data (docs/performance.md).
     */
    static final Map<String, String> DEMO_DEFAULTS =
            Map.of(
                    SsbProperties.DISTILL_LR, "1e-3",
                    SsbProperties.DISTILL_SCHEDULE, "cosine",
                    SsbProperties.DISTILL_WARMUP_STEPS, "50",
                    SsbProperties.DISTILL_WORKERS, "1",
                    SsbProperties.DISTILL_SYNC_EVERY, "16");

    @Option(
            names = "--train",
            paramLabel = "N",
            defaultValue = "6000",
            description =
                    "Toy training problems (default ${DEFAULT-VALUE}; on the dev split the student"
                            + " gained more the more distillation data it had).")
    int train;

    @Option(
            names = "--test",
            paramLabel = "N",
            defaultValue = "500",
            description = "Held-out toy problems for base vs student (default ${DEFAULT-VALUE}).")
    int test;

    @Option(
            names = "--toy-seed",
            paramLabel = "SEED",
            defaultValue = "2512",
            description =
                    "Seed that samples the training problems from the embedded model's own"
                            + " training set (default ${DEFAULT-VALUE}).")
    long toySeed;

    /** Which of the embedded model's unseen splits the demo evaluates on. */
    enum EvalSplit {
        heldout,
        dev
    }

    @Option(
            names = "--eval-split",
            paramLabel = "SPLIT",
            defaultValue = "heldout",
            description =
                    "heldout (default; at most 1000 problems, never trained or tuned on) or dev"
                            + " (at most 500; the split for choosing settings).")
    EvalSplit evalSplit;

    @Option(
            names = "--resume",
            description = "Continue a killed demo (distill from its newest checkpoint).")
    boolean resume;

    @Mixin CommonOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        if (options.problems != null) {
            throw new IllegalArgumentException(
                    "Invalid --problems for demo: the demo writes its own toy problems (use ssb"
                            + " run for your data)");
        }
        if (train < 1 || test < 1) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid demo sizes: --train %d --test %d (must be >= 1)",
                            train, test));
        }
        if (options.runId == null) {
            options.runId = DEFAULT_RUN_ID;
        }
        if (options.model == null) {
            options.model = ModelWorker.EMBEDDED;
        }
        SsbConfig resolved = options.resolve(DEMO_DEFAULTS);
        RunLayout layout = new RunLayout(resolved.out(), resolved.runId());
        ToySplits.Written data =
                ToySplits.write(
                        layout, toySeed, train, test, evalSplit, ToyData.TEST_FILE, options.force);
        SsbConfig config =
                resolved.with(SsbProperties.DATA_PROBLEMS, data.train().toString())
                        .with(SsbProperties.EVAL_PROBLEMS, data.eval().toString());

        SparkSession spark = RunCommand.session("ssb demo");
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "demo: %d toy training problems, %d %s, model %s, run %s%n",
                train,
                test,
                evalSplit == EvalSplit.dev ? "dev" : "held-out",
                config.string(SsbProperties.MODEL_CHECKPOINT),
                layout.runPath());
        out.flush();
        long start = System.nanoTime();
        List<RunPipeline.Round> rounds =
                RunPipeline.run(
                        spark, config, 1, options.force, resume, s -> RunCommand.print(out, s));
        RunPipeline.Round round = rounds.get(0);
        org.apache.hadoop.fs.Path summary = round.summaryMarkdown().orElseThrow();
        out.printf(
                "%nBase vs student on %d %s toy problems (%.1f min):%n%n%s%n%n",
                test,
                evalSplit == EvalSplit.dev ? "dev" : "held-out",
                (System.nanoTime() - start) / 60e9,
                EvaluateStage.readSummary(spark, summary).strip());
        out.printf(
                "Where things are:%n  summary     %s (and summary.json)%n  eval table  %s%n"
                        + "  training    %s%n  metrics     %s%n  adapter     %s%n  tables      %s"
                        + " (Parquet; query with Spark SQL)%n",
                summary,
                new org.apache.hadoop.fs.Path(summary.getParent(), "samples"),
                new org.apache.hadoop.fs.Path(
                        new org.apache.hadoop.fs.Path(layout.runPath(), DistillStage.WORK_DIR),
                        DistillStage.PLOT),
                layout.tablePath(DistillStage.TRAIN_METRICS),
                layout.tablePath(DistillStage.ADAPTER),
                layout.runPath());
        out.flush();
        return 0;
    }

    static Path localPath(RunLayout layout) {
        org.apache.hadoop.fs.Path run = layout.runPath();
        String scheme = run.toUri().getScheme();
        if (scheme != null && !scheme.equals("file")) {
            throw new IllegalArgumentException(
                    "Invalid out for demo: " + layout.out() + " (must be a local folder)");
        }
        return Path.of(run.toUri().getPath());
    }
}
