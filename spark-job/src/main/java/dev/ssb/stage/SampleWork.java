package dev.ssb.stage;

import static java.util.Objects.requireNonNull;

import dev.ssb.spark.Seeds;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The work of a stage that samples n solutions per problem (columns {@code problem_id}, {@code
 * question}, {@code gold_answer}): the student prompt of each problem, n requests seeded from (run
 * seed, stream, problem id, sample index), one generate call per batch, every reply verified. The
 * stage turns each problem's samples into its rows.
 */
public abstract class SampleWork implements ModelPartition.Work<SampleWork.Problem> {

    /** A problem in flight: its input row and, once encoded, its student prompt. */
    public static final class Problem {
        final Row row;
        int[] prompt;

        Problem(Row row) {
            this.row = row;
        }
    }

    /**
     * One problem's samples.
     *
     * @param problem the input row
     * @param seeds sample i's seed
     * @param replies sample i is {@code replies.generations().get(first + i)}
     * @param first index of sample 0 in {@code replies}
     * @param modelId the model that sampled
     * @param executorId where
     */
    public record Samples(
            Row problem,
            long[] seeds,
            Replies replies,
            int first,
            String modelId,
            String executorId) {}

    protected final SampleSettings settings;
    private final String stream;

    /**
     * @param stream the random stream of {@link Seeds} (distinct per stage)
     */
    protected SampleWork(SampleSettings settings, String stream) {
        this.settings = requireNonNull(settings, "settings is null");
        this.stream = requireNonNull(stream, "stream is null");
    }

    /** The runner of this work over a partition. */
    public ModelPartition<Problem> partition() {
        return new ModelPartition<>(settings.model(), settings.batchSize(), this);
    }

    /** The rows of one problem. */
    protected abstract List<Row> rows(Samples samples);

    @Override
    public final Problem prepare(Row row) {
        return new Problem(row);
    }

    @Override
    public final int sequences(Problem problem) {
        return settings.samples();
    }

    @Override
    public final ModelPartition.Tokens encode(LanguageModel model, Problem problem) {
        problem.prompt =
                model.encodeChat(
                        settings.model().studentMessages(problem.row.getAs("question")), true);
        return new ModelPartition.Tokens(
                problem.prompt.length,
                (long) problem.prompt.length + settings.decoding().maxNewTokens());
    }

    @Override
    public final List<Row> tooLong(
            Problem problem, ModelPartition.Tokens tokens, String modelId, String executorId) {
        int n = settings.samples();
        return rows(
                new Samples(
                        problem.row,
                        seeds(problem.row),
                        Replies.promptTooLong(n, tokens),
                        0,
                        modelId,
                        executorId));
    }

    private long[] seeds(Row problem) {
        long[] seeds = new long[settings.samples()];
        for (int s = 0; s < seeds.length; s++) {
            seeds[s] =
                    Seeds.seed(settings.model().runSeed(), stream, problem.getAs("problem_id"), s);
        }
        return seeds;
    }

    @Override
    public final List<Row> run(LanguageModel model, List<Problem> batch, String executorId) {
        int n = settings.samples();
        List<GenerationRequest> requests = new ArrayList<>(batch.size() * n);
        List<String> golds = new ArrayList<>(batch.size() * n);
        long[][] seeds = new long[batch.size()][];
        for (int p = 0; p < batch.size(); p++) {
            Problem problem = batch.get(p);
            seeds[p] = seeds(problem.row);
            for (int s = 0; s < n; s++) {
                requests.add(new GenerationRequest(problem.prompt, seeds[p][s]));
                golds.add(problem.row.getAs("gold_answer"));
            }
        }
        Replies replies = Replies.generate(model, requests, golds, settings.decoding());
        List<Row> rows = new ArrayList<>(requests.size());
        for (int p = 0; p < batch.size(); p++) {
            rows.addAll(
                    rows(
                            new Samples(
                                    batch.get(p).row,
                                    seeds[p],
                                    replies,
                                    p * n,
                                    model.modelId(),
                                    executorId)));
        }
        return rows;
    }
}
