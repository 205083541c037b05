package dev.ssb.cli;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.eval.EvaluateStage;
import dev.ssb.spark.SparkSessions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ssb evaluate}: pass@1 and maj@n of base and student on a held-out set. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluates the base model and, with an adapter, base + student on a held-out set"
                    + " (GSM8K / MATH / AIME-shaped JSONL or Parquet, ingested into"
                    + " <out>/<run-id>/eval_problems): eval.samples samples per problem with the"
                    + " same prompts and seeds for both, pass@1 and maj@n with 95%% intervals and"
                    + " the paired difference student - base. Writes <out>/<run-id>/eval/samples"
                    + " (Parquet), eval/summary.json and eval/summary.md, and prints the table.",
            "Example: ssb evaluate --problems data/math500_test.jsonl --out runs"
                    + " --run-id r1 --tag math500"
        })
final class EvaluateCommand implements Callable<Integer> {

    @Mixin CommonOptions options;
    @Spec CommandSpec spec;

    @Option(
            names = "--adapter",
            paramLabel = "DIR",
            description =
                    "Sets eval.adapter: the student's PEFT adapter directory (Hadoop path);"
                            + " 'none' = base only; default 'auto' = <out>/<run-id>/adapter when"
                            + " it exists.")
    String adapter;

    @Option(
            names = "--tag",
            paramLabel = "NAME",
            description =
                    "Sets eval.tag: a label of the held-out set, so several share one run"
                            + " (eval-NAME/, eval_problems-NAME).")
    String tag;

    @Override
    public Integer call() {
        // --problems names the held-out set here, not the training problems
        if (options.problems != null) {
            options.overrides.put(SsbProperties.EVAL_PROBLEMS, options.problems);
            options.problems = null;
        }
        if (adapter != null) {
            options.overrides.put(SsbProperties.EVAL_ADAPTER, adapter);
        }
        if (tag != null) {
            options.overrides.put(SsbProperties.EVAL_TAG, tag);
        }
        SsbConfig config = options.resolve();
        if (options.dryRun) {
            return CommonOptions.printPlan(spec, EvaluatePlan.of(config));
        }
        var spark = SparkSessions.getOrCreate("ssb evaluate");
        EvaluateStage.Result result = EvaluateStage.run(spark, config, options.force);
        var out = spec.commandLine().getOut();
        out.printf(
                "evaluate %s: %s%n%n",
                result.stage().skipped() ? "already complete (use --force to redo)" : "done",
                result.stage().manifest().counts());
        out.println(EvaluateStage.readSummary(spark, result.summaryMarkdown()).strip());
        out.printf("%n  %s%n  %s%n", result.summaryJson(), result.summaryMarkdown());
        out.flush();
        return 0;
    }
}
