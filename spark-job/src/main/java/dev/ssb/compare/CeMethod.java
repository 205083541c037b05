package dev.ssb.compare;

import static java.util.Objects.requireNonNull;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.DistillStage;
import dev.ssb.spark.Partitions;
import dev.ssb.stage.ModelTask;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A cross-entropy baseline: picks (question, reply) pairs from the run's tables, stores them in its
 * data run as the teacher_logits-shaped table of {@link CeExamples}, and trains on them with the
 * distill trainer at {@code lambda_kd = 0}, {@code lambda_ce = 1}.
 */
abstract class CeMethod implements CompareMethod {

    private final String name;
    private final String description;
    private final List<Shared> needs;

    CeMethod(String name, String description, List<Shared> needs) {
        this.name = requireNonNull(name, "name is null");
        this.description = requireNonNull(description, "description is null");
        this.needs = List.copyOf(needs);
    }

    /** The picked pairs, with the columns of {@link CeExamples#PAIRS}. */
    abstract Dataset<Row> pairs(CompareContext context);

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<Shared> needs() {
        return needs;
    }

    @Override
    public Optional<Training> train(CompareContext context) {
        SsbConfig data = context.dataConfig();
        float temperature = (float) data.doubleValue(SsbProperties.DISTILL_KD_TEMPERATURE);
        context.commit(
                data,
                DistillStage.TEACHER_LOGITS,
                List.of(
                        "data.",
                        "model.",
                        "rollout.",
                        "teacher.",
                        "prompts.",
                        SsbProperties.SEED,
                        SsbProperties.DISTILL_KD_TEMPERATURE),
                () ->
                        CeExamples.table(
                                Partitions.byProblem(
                                        pairs(context),
                                        data.intValue(SsbProperties.DATA_PARTITIONS)),
                                ModelTask.from(data),
                                data.intValue(SsbProperties.LOGITS_BATCH_SIZE),
                                temperature),
                written -> java.util.Map.of());
        return Optional.of(context.distill(context.dataLayout(), Methods.CROSS_ENTROPY));
    }
}
