package dev.ssb.compare;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.eval.EvalResults;
import dev.ssb.eval.EvalSummary;
import dev.ssb.eval.EvaluateStage;
import dev.ssb.eval.Interval;
import dev.ssb.eval.ModelTag;
import dev.ssb.eval.ProblemScores;
import dev.ssb.pipeline.Stages;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.stage.Stage;
import dev.ssb.table.StageOutput;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ssb compare}: ingest and rollout once, then for each method the training it needs from
 * those rollouts, then the same evaluate stage for every method on the same problems, sampled as
 * {@code eval.*} says and greedy (temperature 0, one sample), and one table.
 */
public final class CompareRun {

    /** The {@code ssb-nohint-wrong} teacher template shipped with the project. */
    public static final String NO_WRONG_PROMPT_DEFAULT = "conf/prompts/teacher-nohint.txt";

    /**
     * What to compare.
     *
     * @param methods method names, in table order
     * @param lrs learning rate per trained method; the others use distill.lr
     * @param noWrongPrompt the teacher template of ssb-nohint-wrong
     * @param force redo complete stages
     * @param versus a method of {@code methods} every other method is also paired against, by
     *     problem (the table's differences are from base)
     */
    public record Options(
            List<String> methods,
            Map<String, Double> lrs,
            String noWrongPrompt,
            boolean force,
            Optional<String> versus) {
        public Options {
            methods = List.copyOf(new LinkedHashSet<>(methods));
            lrs = Map.copyOf(lrs);
            requireNonNull(noWrongPrompt, "noWrongPrompt is null");
            requireNonNull(versus, "versus is null");
            if (methods.isEmpty()) {
                throw new IllegalArgumentException("Invalid --methods: none given");
            }
            if (versus.isPresent() && !methods.contains(versus.get())) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid --versus %s: not one of --methods %s",
                                versus.get(), methods));
            }
            for (String m : methods) {
                Methods.named(m);
            }
            for (Map.Entry<String, Double> e : lrs.entrySet()) {
                if (!methods.contains(e.getKey()) || !Methods.named(e.getKey()).trains()) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "Invalid --lr %s=%s: %s is not a trained method of --methods"
                                            + " %s",
                                    e.getKey(), e.getValue(), e.getKey(), methods));
                }
            }
        }

        /** Without {@code --versus}. */
        public Options(
                List<String> methods,
                Map<String, Double> lrs,
                String noWrongPrompt,
                boolean force) {
            this(methods, lrs, noWrongPrompt, force, Optional.empty());
        }
    }

    /**
     * Where the table went.
     *
     * @param markdown the table as printed
     * @param json {@code compare/summary.json}
     * @param summaryMarkdown {@code compare/summary.md}
     */
    public record Outcome(String markdown, Path json, Path summaryMarkdown) {}

    private CompareRun() {}

    /** The known method names, in table order, with their descriptions. */
    public static Map<String, String> methods() {
        Map<String, String> out = new LinkedHashMap<>();
        Methods.ALL.forEach((name, m) -> out.put(name, m.description()));
        return out;
    }

    /** {@code --lr sft=1e-4,rft=2e-4} as a map. */
    public static Map<String, Double> parseLrs(String spec) {
        Map<String, Double> lrs = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return lrs;
        }
        for (String part : spec.split(",")) {
            String[] kv = part.strip().split("=", 2);
            double lr;
            try {
                lr = kv.length == 2 ? Double.parseDouble(kv[1].strip()) : Double.NaN;
            } catch (NumberFormatException e) {
                lr = Double.NaN;
            }
            if (kv.length != 2 || !(lr > 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException(
                        "Invalid --lr " + part + " (must be METHOD=RATE with RATE > 0)");
            }
            lrs.put(kv[0].strip(), lr);
        }
        return lrs;
    }

    /** Runs the comparison configured by {@code config} (its run, data and eval.problems). */
    public static Outcome run(
            SparkSession spark, SsbConfig config, Options options, Consumer<String> progress) {
        if (config.string(SsbProperties.EVAL_PROBLEMS).isBlank()) {
            throw new IllegalArgumentException(
                    "Invalid compare: eval.problems is not set (the problems every method is"
                            + " evaluated on)");
        }
        long start = System.nanoTime();
        var hadoop = spark.sparkContext().hadoopConfiguration();
        String compareOut = CompareContext.compareOut(config);
        Costs costs = Costs.load(new Path(compareOut, Costs.FILE), hadoop);
        List<CompareMethod> methods = options.methods().stream().map(Methods::named).toList();

        shared(spark, config, Stages.INGEST, options.force(), costs, progress);
        // GRPO samples its own replies and base trains nothing: rollouts only when a method reads
        // them
        Optional<StageOutput.Outcome> rollout = Optional.empty();
        if (methods.stream().anyMatch(m -> m.usesRollouts() || !m.needs().isEmpty())) {
            rollout =
                    Optional.of(
                            shared(
                                    spark,
                                    config,
                                    Stages.ROLLOUT,
                                    options.force(),
                                    costs,
                                    progress));
        }
        long rolloutTokens = rollout.isPresent() ? sumTokens(spark, config) : 0;
        Map<CompareMethod.Shared, Double> sharedCost = new EnumMap<>(CompareMethod.Shared.class);
        Set<CompareMethod.Shared> needed = new LinkedHashSet<>();
        methods.forEach(m -> needed.addAll(m.needs()));
        for (CompareMethod.Shared s : CompareMethod.Shared.values()) {
            if (needed.contains(s)) {
                Stage stage =
                        s == CompareMethod.Shared.CURATE ? Stages.CURATE : Stages.TEACHER_LOGITS;
                shared(spark, config, stage, options.force(), costs, progress);
                sharedCost.put(s, costs.get(stage.name()).orElse(0));
            }
        }

        List<CompareRow> rows = new ArrayList<>();
        Map<String, Evaluated> evaluated = new LinkedHashMap<>();
        Set<Double> baseSampled = new LinkedHashSet<>();
        Set<Double> baseGreedy = new LinkedHashSet<>();
        for (CompareMethod method : methods) {
            double lr =
                    options.lrs()
                            .getOrDefault(
                                    method.name(), config.doubleValue(SsbProperties.DISTILL_LR));
            CompareContext context =
                    new CompareContext(
                            spark,
                            config,
                            method.name(),
                            lr,
                            options.noWrongPrompt(),
                            options.force());
            Optional<CompareMethod.Training> training;
            double own;
            try (CpuClock clock = CpuClock.start(spark.sparkContext())) {
                training = method.train(context);
                own = clock.seconds();
            }
            SsbConfig evalRun;
            double cpu = 0;
            if (training.isPresent()) {
                SsbConfig train = context.trainConfig();
                cpu = costs.record("train:" + train.runId(), own, training.get().skipped());
                evalRun = train.with(SsbProperties.EVAL_ADAPTER, training.get().adapter());
            } else {
                evalRun = context.dataConfig().with(SsbProperties.EVAL_ADAPTER, "none");
            }
            for (CompareMethod.Shared s : method.needs()) {
                cpu += sharedCost.getOrDefault(s, 0.0);
            }
            long sampledTokens =
                    (method.usesRollouts() ? rolloutTokens : 0)
                            + (method.needs().contains(CompareMethod.Shared.CURATE)
                                    ? context.teacherTokens(
                                            new dev.ssb.table.RunLayout(
                                                    config.out(), config.runId()))
                                    : 0)
                            + training.map(CompareMethod.Training::sampledTokens).orElse(0L);
            EvalResults.Scored scored = evaluate(spark, evalRun, options);
            EvalSummary sampled = scored.summary();
            ModelTag tag = training.isPresent() ? ModelTag.STUDENT : ModelTag.BASE;
            evaluated.put(method.name(), new Evaluated(scored.scores(), tag));
            baseSampled.add(sampled.models().get(ModelTag.BASE).passAt1().estimate());
            baseGreedy.add(greedyPass(sampled, ModelTag.BASE).estimate());
            rows.add(
                    new CompareRow(
                            method.name(),
                            training.isPresent() ? OptionalDouble.of(lr) : OptionalDouble.empty(),
                            training.map(CompareMethod.Training::examples).orElse(0L),
                            training.map(CompareMethod.Training::tokens).orElse(0L),
                            sampledTokens,
                            cpu,
                            greedyPass(sampled, tag),
                            sampled.models().get(tag),
                            training.isPresent()
                                    ? sampled.difference()
                                            .flatMap(EvalSummary.Difference::greedyPassAt1)
                                    : Optional.empty(),
                            training.isPresent() ? sampled.difference() : Optional.empty(),
                            training.map(CompareMethod.Training::adapter),
                            evalRun.out() + "/" + evalRun.runId()));
            progress.accept(
                    String.format(
                            "compare %s: sampled pass@1 %.1f%%, greedy %.1f%%",
                            method.name(),
                            100 * sampled.models().get(tag).passAt1().estimate(),
                            100 * greedyPass(sampled, tag).estimate()));
        }
        Optional<CompareResult.Versus> versus = options.versus().map(v -> versus(v, evaluated));
        CompareResult result =
                new CompareResult(
                        config.runId(),
                        rows,
                        versus,
                        rollout.isPresent() ? costs.get(Stages.ROLLOUT.name()).orElse(0) : 0,
                        rollout.map(r -> r.manifest().count(RolloutStage.ROLLOUTS)).orElse(0L),
                        baseSampled.size() == 1 && baseGreedy.size() == 1,
                        (System.nanoTime() - start) / 1e9);
        return CompareReport.write(
                hadoop, new Path(compareOut), config.string(SsbProperties.EVAL_TAG), result);
    }

    /** A method's evaluation: its per-problem scores and the model tag its row reports. */
    private record Evaluated(ProblemScores scores, ModelTag tag) {

        EvalSummary.Difference minus(Evaluated other) {
            return scores.minus(tag, other.scores, other.tag);
        }
    }

    /** Every other method − {@code reference}, paired by problem, in table order. */
    private static CompareResult.Versus versus(String reference, Map<String, Evaluated> methods) {
        Evaluated ref = methods.get(reference);
        Map<String, EvalSummary.Difference> out = new LinkedHashMap<>();
        methods.forEach(
                (name, m) -> {
                    if (!name.equals(reference)) {
                        out.put(name, m.minus(ref));
                    }
                });
        return new CompareResult.Versus(reference, out);
    }

    /** Tokens of the compare run's shared rollouts. */
    private static long sumTokens(SparkSession spark, SsbConfig config) {
        org.apache.spark.sql.Row sum =
                spark.read()
                        .parquet(
                                new dev.ssb.table.RunLayout(config.out(), config.runId())
                                        .tablePath(RolloutStage.ROLLOUTS)
                                        .toString())
                        .agg(org.apache.spark.sql.functions.sum("num_tokens"))
                        .first();
        return sum.isNullAt(0) ? 0 : sum.getLong(0);
    }

    /** Greedy pass@1 of one model: every evaluation decodes one greedy reply per problem. */
    private static Interval greedyPass(EvalSummary summary, ModelTag tag) {
        return summary.models()
                .get(tag)
                .greedy()
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "Cannot compare: evaluation of "
                                                + tag
                                                + " has no greedy replies"))
                .passAt1();
    }

    private static EvalResults.Scored evaluate(
            SparkSession spark, SsbConfig config, Options options) {
        EvaluateStage.run(spark, config, options.force());
        return EvalResults.read(spark, config);
    }

    private static StageOutput.Outcome shared(
            SparkSession spark,
            SsbConfig config,
            Stage stage,
            boolean force,
            Costs costs,
            Consumer<String> progress) {
        StageOutput.Outcome outcome;
        double cpu;
        try (CpuClock clock = CpuClock.start(spark.sparkContext())) {
            outcome = Stages.run(stage, spark, config, force, false);
            cpu = clock.seconds();
        }
        cpu = costs.record(stage.name(), cpu, outcome.skipped());
        progress.accept(
                String.format(
                        "compare %s: %s, %.0f CPU-s %s",
                        stage.name(),
                        outcome.skipped() ? "already complete" : "done",
                        cpu,
                        outcome.manifest().counts()));
        return outcome;
    }
}
