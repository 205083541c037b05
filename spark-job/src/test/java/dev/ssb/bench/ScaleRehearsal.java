package dev.ssb.bench;

import dev.ssb.config.ConfigResolver;
import dev.ssb.config.SsbConfig;
import dev.ssb.pipeline.Stages;
import dev.ssb.spark.SparkSessions;
import dev.ssb.stage.Stage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The driver of the scale rehearsal's cluster part, submitted by {@link ScaleBenchmark}: the real
 * rollout, teacher-logits and distill stages ({@link Stages#run}, what {@code ssb rollout}, {@code
 * ssb teacher-logits} and {@code ssb distill} call), one after the other in one application, so
 * that each executor JVM loads the model once ({@code ExecutorModels} keeps it between stages) and
 * there is one driver JVM to measure. Each stage's manifest records its wall time.
 *
 * <p>Arguments: the run's properties file.
 */
public final class ScaleRehearsal {

    /** The stages it runs, in order. */
    static final List<Stage> STAGES =
            List.of(Stages.ROLLOUT, Stages.TEACHER_LOGITS, Stages.DISTILL);

    private ScaleRehearsal() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("Invalid arguments: expected CONF_FILE");
        }
        SsbConfig config = ConfigResolver.resolve(Optional.of(args[0]), Map.of());
        SparkSession spark = SparkSessions.getOrCreateQuiet("ssb-scale-rehearsal");
        try {
            for (Stage stage : STAGES) {
                Stages.run(stage, spark, config, false, false);
            }
        } finally {
            spark.stop();
        }
    }
}
