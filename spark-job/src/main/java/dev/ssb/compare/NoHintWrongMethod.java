package dev.ssb.compare;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.curate.CurateSettings;
import dev.ssb.curate.CurateStage;
import dev.ssb.ingest.IngestStage;
import dev.ssb.pipeline.Stages;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.spark.Partitions;
import dev.ssb.stage.CheckpointSampling;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SSB without the wrong attempt: the teacher is shown the question and the correct attempt only
 * ({@code teacher.show_wrong_attempt=false} with a template without {@code {wrong_attempt}}). The
 * same problems are selected as for SSB (mixed outcomes), so the wrong attempt's presence is the
 * only difference; its curate and teacher-logits run in its own data run on the shared rollouts.
 */
final class NoHintWrongMethod implements CompareMethod {

    @Override
    public String name() {
        return "ssb-nohint-wrong";
    }

    @Override
    public String description() {
        return "SSB whose teacher sees only the correct attempt (no wrong attempt in its prompt)";
    }

    @Override
    public List<Shared> needs() {
        return List.of();
    }

    @Override
    public Optional<Training> train(CompareContext context) {
        // its curate runs here, not through Stages.run: resolve the auto sampling keys (the
        // teacher's top-p, repetition penalty) against the checkpoint as every stage does
        SsbConfig data =
                CheckpointSampling.resolve(
                        context.dataConfig()
                                .with(SsbProperties.TEACHER_SHOW_WRONG_ATTEMPT, "false")
                                .with(SsbProperties.PROMPTS_TEACHER, context.noWrongPrompt()),
                        context.spark().sparkContext().hadoopConfiguration());
        CurateSettings settings = CurateSettings.from(data); // fails early on a bad template
        context.commit(
                data,
                CurateStage.TEACHER_CONTEXTS,
                CurateStage.CONFIG_PREFIXES,
                () ->
                        CurateStage.transform(
                                Partitions.byProblem(
                                        context.readRun(IngestStage.PROBLEMS),
                                        data.intValue(SsbProperties.DATA_PARTITIONS)),
                                context.readRun(RolloutStage.ROLLOUTS),
                                settings),
                CurateStage::acceptCounts);
        Stages.run(Stages.TEACHER_LOGITS, context.spark(), data, context.force(), false);
        return Optional.of(
                context.distill(context.dataLayout(), Map.of())
                        .withSampledTokens(context.teacherTokens(context.dataLayout())));
    }
}
