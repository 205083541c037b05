package dev.ssb.compare;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.grpo.GrpoStage;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import java.util.List;
import java.util.Optional;

/**
 * GRPO, the reinforcement-learning baseline: trains on the compare run's problems with its own
 * rollouts ({@code ssb grpo} with the method's learning rate), not on the shared ones; its budget
 * is the tokens it sampled.
 */
final class GrpoMethod implements CompareMethod {

    @Override
    public String name() {
        return "grpo";
    }

    @Override
    public String description() {
        return "GRPO on the same problems with its own rollouts (grpo.* steps, group size, mu,"
                + " beta; distill's LoRA and AdamW keys; rollout.* sampler)";
    }

    @Override
    public List<Shared> needs() {
        return List.of();
    }

    @Override
    public boolean usesRollouts() {
        return false;
    }

    @Override
    public Optional<Training> train(CompareContext context) {
        SsbConfig config = context.trainConfig();
        StageOutput.Outcome outcome =
                GrpoStage.run(
                        context.spark(),
                        config,
                        new RunLayout(context.run().out(), context.run().runId()),
                        context.force());
        long sampled = outcome.manifest().count("tokens");
        return Optional.of(
                new Training(
                        new RunLayout(config.out(), config.runId())
                                .tablePath(GrpoStage.ADAPTER)
                                .toString(),
                        outcome.manifest().count("examples"),
                        sampled * config.intValue(SsbProperties.GRPO_MU),
                        outcome.skipped(),
                        sampled));
    }
}
