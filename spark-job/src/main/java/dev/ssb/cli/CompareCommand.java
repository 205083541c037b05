package dev.ssb.cli;

import dev.ssb.compare.CompareRun;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.table.RunLayout;
import dev.ssb.worker.api.ModelWorker;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ssb compare}: SSB and its baselines from one run's rollouts, evaluated alike, in one
 * table.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = {
            "Runs ingest and rollout once, trains every method of --methods from those rollouts,"
                    + " evaluates each on the same problems with the same evaluate stage (sampled"
                    + " as eval.* says, and greedy: temperature 0, one sample) and prints one"
                    + " table; writes <out>/<run-id>/compare/summary.json and summary.md (on the"
                    + " toy: summary-dev.* or summary-heldout.*).",
            "Methods: base (untrained), sft (cross-entropy on the hinted teacher's accepted"
                    + " replies), rft (cross-entropy on the model's own first correct rollout per"
                    + " problem), ssb (the pipeline), ssb-nohint-wrong (SSB whose teacher sees only"
                    + " the correct attempt), grpo (reinforcement learning with its own rollouts on"
                    + " the same problems, grpo.*; not in the default --methods).",
            "Without --problems: the embedded toy model's problems, as ssb demo (--train, --test,"
                    + " --eval-split; the demo's distill settings; dev and held-out evaluate the"
                    + " same trained methods in one run). With --problems FILE: your"
                    + " data, evaluated on --eval-problems FILE (or eval.problems).",
            "Example: ssb compare --train 200 --test 100 --eval-split dev --lr sft=1e-3,rft=1e-3",
        })
final class CompareCommand implements Callable<Integer> {

    static final String DEFAULT_RUN_ID = "compare";
    static final String DEFAULT_METHODS = "base,sft,rft,ssb,ssb-nohint-wrong";

    @Option(
            names = "--methods",
            paramLabel = "M,M",
            defaultValue = DEFAULT_METHODS,
            split = ",",
            description = "Methods, in table order (default ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(
            names = "--lr",
            paramLabel = "M=RATE,…",
            description =
                    "Learning rate per trained method, e.g. sft=1e-3,rft=5e-4 (others:"
                            + " distill.lr). Each rate trains into its own folder"
                            + " compare/<method>-lr<rate>, so a sweep reuses the rollouts.")
    String lr;

    @Option(
            names = "--versus",
            paramLabel = "METHOD",
            description =
                    "Also pair every other method against METHOD, problem by problem (e.g. ssb:"
                            + " grpo − ssb with its 95% interval); the table's differences are"
                            + " from base.")
    String versus;

    @Option(
            names = "--nohint-prompt",
            paramLabel = "FILE",
            defaultValue = CompareRun.NO_WRONG_PROMPT_DEFAULT,
            description =
                    "Teacher template of ssb-nohint-wrong: {question} and {correct_attempt}, no"
                            + " {wrong_attempt} (default ${DEFAULT-VALUE}).")
    String noWrongPrompt;

    @Option(
            names = "--eval-problems",
            paramLabel = "FILE",
            description = "Sets eval.problems (with --problems).")
    String evalProblems;

    @Option(
            names = "--train",
            paramLabel = "N",
            defaultValue = "6000",
            description = "Toy training problems (default ${DEFAULT-VALUE}).")
    int train;

    @Option(
            names = "--test",
            paramLabel = "N",
            defaultValue = "500",
            description = "Toy evaluation problems (default ${DEFAULT-VALUE}).")
    int test;

    @Option(
            names = "--toy-seed",
            paramLabel = "SEED",
            defaultValue = "2512",
            description = "Seed that samples the toy training problems (default ${DEFAULT-VALUE}).")
    long toySeed;

    @Option(
            names = "--eval-split",
            paramLabel = "SPLIT",
            defaultValue = "heldout",
            description =
                    "Toy split to evaluate on: heldout (default; measure once, after choosing on"
                            + " dev) or dev (for choosing learning rates).")
    DemoCommand.EvalSplit evalSplit;

    @Mixin CommonOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        if (train < 1 || test < 1) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid compare sizes: --train %d --test %d (must be >= 1)",
                            train, test));
        }
        CompareRun.Options compare =
                new CompareRun.Options(
                        methods,
                        CompareRun.parseLrs(lr),
                        noWrongPrompt,
                        options.force,
                        Optional.ofNullable(versus));
        if (options.runId == null) {
            options.runId = DEFAULT_RUN_ID;
        }
        boolean toy = options.problems == null;
        if (toy && evalProblems != null) {
            throw new IllegalArgumentException(
                    "Invalid --eval-problems without --problems: the toy comparison evaluates on"
                            + " its own --eval-split");
        }
        if (toy && options.model == null) {
            options.model = ModelWorker.EMBEDDED;
        }
        SsbConfig config = options.resolve(toy ? DemoCommand.DEMO_DEFAULTS : Map.of());
        if (evalProblems != null) {
            config = config.with(SsbProperties.EVAL_PROBLEMS, evalProblems);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (toy) {
            // each split its own file and evaluation tables (eval-dev, eval-heldout): trained
            // methods are chosen on dev, then evaluated on held-out without training again
            ToySplits.Written data =
                    ToySplits.write(
                            new RunLayout(config.out(), config.runId()),
                            toySeed,
                            train,
                            test,
                            evalSplit,
                            evalSplit.name() + ".jsonl",
                            options.force);
            config =
                    config.with(SsbProperties.DATA_PROBLEMS, data.train().toString())
                            .with(SsbProperties.EVAL_PROBLEMS, data.eval().toString())
                            .with(SsbProperties.EVAL_TAG, evalSplit.name());
            out.printf(
                    "compare: %d toy training problems, %d %s, methods %s%n",
                    train,
                    test,
                    evalSplit == DemoCommand.EvalSplit.dev ? "dev" : "held-out",
                    compare.methods());
        } else {
            out.printf(
                    "compare: %s, evaluated on %s, methods %s%n",
                    config.string(SsbProperties.DATA_PROBLEMS),
                    config.string(SsbProperties.EVAL_PROBLEMS),
                    compare.methods());
        }
        out.flush();
        SparkSession spark = RunCommand.session("ssb compare");
        CompareRun.Outcome outcome =
                CompareRun.run(
                        spark,
                        config,
                        compare,
                        line -> {
                            out.println(line);
                            out.flush();
                        });
        out.printf(
                "%n%s%n  %s%n  %s%n",
                outcome.markdown().strip(), outcome.json(), outcome.summaryMarkdown());
        out.flush();
        return 0;
    }
}
