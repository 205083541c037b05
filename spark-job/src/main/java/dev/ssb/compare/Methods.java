package dev.ssb.compare;

import dev.ssb.config.SsbProperties;
import dev.ssb.curate.CurateStage;
import dev.ssb.ingest.IngestStage;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.table.RunLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The methods {@code ssb compare} knows, by name, in the order of its table. */
final class Methods {

    /** The base model, untrained. */
    static final CompareMethod BASE =
            new CompareMethod() {
                @Override
                public String name() {
                    return "base";
                }

                @Override
                public String description() {
                    return "the base model, untrained";
                }

                @Override
                public List<Shared> needs() {
                    return List.of();
                }

                @Override
                public boolean trains() {
                    return false;
                }

                @Override
                public Optional<Training> train(CompareContext context) {
                    return Optional.empty();
                }
            };

    /** Cross-entropy on the hinted teacher's accepted replies; the student sees the question. */
    static final CompareMethod SFT =
            new CeMethod(
                    "sft",
                    "cross-entropy on the hinted teacher's accepted replies (the student sees the"
                            + " bare question)",
                    List.of(CompareMethod.Shared.CURATE)) {
                @Override
                org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> pairs(CompareContext c) {
                    return CeExamples.sftPairs(c.readRun(CurateStage.TEACHER_CONTEXTS));
                }
            };

    /** Rejection-sampling fine-tuning: cross-entropy on the model's own correct rollouts. */
    static final CompareMethod RFT =
            new CeMethod(
                    "rft",
                    "cross-entropy on the model's own correct rollouts: the first correct sample"
                            + " of every problem that has one, all-correct problems included",
                    List.of()) {
                @Override
                org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> pairs(CompareContext c) {
                    return CeExamples.rftPairs(
                            c.readRun(IngestStage.PROBLEMS), c.readRun(RolloutStage.ROLLOUTS));
                }
            };

    /** The pipeline itself: KD on the hinted teacher's top-k distributions. */
    static final CompareMethod SSB =
            new CompareMethod() {
                @Override
                public String name() {
                    return "ssb";
                }

                @Override
                public String description() {
                    return "semantic soft bootstrapping: distillation on the hinted teacher's"
                            + " top-k distributions (distill.* as configured)";
                }

                @Override
                public List<Shared> needs() {
                    return List.of(Shared.CURATE, Shared.TEACHER_LOGITS);
                }

                @Override
                public Optional<Training> train(CompareContext context) {
                    RunLayout run = new RunLayout(context.run().out(), context.run().runId());
                    return Optional.of(context.distill(run, Map.of()));
                }
            };

    /** SSB whose teacher sees only the correct attempt. */
    static final CompareMethod SSB_NOHINT_WRONG = new NoHintWrongMethod();

    /** GRPO on the same problems, with its own rollouts. */
    static final CompareMethod GRPO = new GrpoMethod();

    /** Every method, in table order. */
    static final Map<String, CompareMethod> ALL =
            byName(List.of(BASE, SFT, RFT, SSB, SSB_NOHINT_WRONG, GRPO));

    private Methods() {}

    /** The method named {@code name}. */
    static CompareMethod named(String name) {
        CompareMethod m = ALL.get(name);
        if (m == null) {
            throw new IllegalArgumentException(
                    "Invalid method: "
                            + name
                            + " (must be one of "
                            + String.join(", ", ALL.keySet())
                            + ")");
        }
        return m;
    }

    private static Map<String, CompareMethod> byName(List<CompareMethod> methods) {
        Map<String, CompareMethod> map = new LinkedHashMap<>();
        for (CompareMethod m : methods) {
            map.put(m.name(), m);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    /** The distill keys that turn the trainer into plain cross-entropy training. */
    static final Map<String, String> CROSS_ENTROPY =
            Map.of(SsbProperties.DISTILL_LAMBDA_KD, "0", SsbProperties.DISTILL_LAMBDA_CE, "1");
}
