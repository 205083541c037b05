package dev.ssb.pipeline;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.DistillStage;
import dev.ssb.eval.EvalTables;
import dev.ssb.eval.EvaluateStage;
import dev.ssb.stage.SampleSettings;
import dev.ssb.stage.StagePlan;
import org.apache.hadoop.fs.Path;

/**
 * The dry-run plan of {@code ssb evaluate}: held-out problems and adapter as the stage picks them.
 */
final class EvaluatePlan {

    private EvaluatePlan() {}

    static StagePlan of(SsbConfig config) {
        SampleSettings.evaluation(config); // validates the eval.* keys and reads the prompt
        EvalTables tables = EvalTables.of(config.string(SsbProperties.EVAL_TAG));
        StagePlan plan = new StagePlan(EvaluateStage.NAME, config).model(config);
        String heldOut = config.string(SsbProperties.EVAL_PROBLEMS);
        if (!heldOut.isBlank()) {
            plan.readsPath(SsbProperties.EVAL_PROBLEMS, heldOut)
                    .writesTable(tables.problems())
                    .writesTable(tables.rejected());
        } else if (plan.isComplete(tables.problems())) {
            plan.readsTable(tables.problems(), "evaluate");
        } else {
            throw new IllegalArgumentException(
                    String.format(
                            "Cannot plan evaluate: table %s of run %s is not complete (give"
                                    + " --problems FILE or set eval.problems)",
                            tables.problems(), config.runId()));
        }
        String adapter = config.string(SsbProperties.EVAL_ADAPTER);
        if (adapter.isBlank() || adapter.equalsIgnoreCase(EvaluateStage.NO_ADAPTER)) {
            plan.note("adapter: none, the base model only");
        } else if (adapter.equalsIgnoreCase(EvaluateStage.AUTO_ADAPTER)) {
            boolean present = plan.exists(plan.layout().tablePath(DistillStage.ADAPTER));
            plan.note(
                    "adapter: auto, "
                            + plan.layout().tablePath(DistillStage.ADAPTER)
                            + (present
                                    ? " (present: base and student)"
                                    : " (not yet written by ssb distill: base only if still"
                                            + " missing)"));
        } else {
            plan.readsPath(SsbProperties.EVAL_ADAPTER, adapter);
        }
        return plan.writesTable(tables.samples())
                .writes("summary", new Path(tables.dir(), EvaluateStage.SUMMARY_JSON).toString())
                .writes("summary", new Path(tables.dir(), EvaluateStage.SUMMARY_MD).toString());
    }
}
