package dev.ssb.rollout;

import dev.ssb.spark.Seeds;
import dev.ssb.stage.SampleSettings;
import dev.ssb.stage.SampleWork;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.Verification;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One task's rollouts: K samples per problem on the {@code rollout} random stream, so that rows do
 * not depend on batching or partitioning; one {@code rollouts} row per sample with its verdict.
 */
final class RolloutPartition extends SampleWork {

    RolloutPartition(SampleSettings settings) {
        super(settings, Seeds.ROLLOUT);
    }

    @Override
    protected List<Row> rows(Samples s) {
        Row problem = s.problem();
        String gold = problem.getAs("gold_answer");
        List<Row> rows = new ArrayList<>(s.seeds().length);
        for (int i = 0; i < s.seeds().length; i++) {
            Generation g = s.replies().generations().get(s.first() + i);
            Verification verdict = s.replies().verdicts().get(s.first() + i);
            rows.add(
                    RowFactory.create(
                            problem.<String>getAs("problem_id"),
                            i,
                            s.seeds()[i],
                            g.text(),
                            g.tokenIds().clone(), // a Java array, not a java.util.List
                            g.tokenIds().length,
                            g.finishReason().name(),
                            verdict.extracted(),
                            gold,
                            verdict.verdict().name(),
                            s.modelId(),
                            s.executorId(),
                            s.replies().genMs(),
                            settings.model().runId(),
                            settings.model().configHash()));
        }
        return rows;
    }
}
