package dev.ssb.compare;

import static java.util.Objects.requireNonNull;

import dev.ssb.eval.EvalSummary;
import dev.ssb.eval.Interval;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One method's line of the compare table.
 *
 * @param method the method's name
 * @param lr its learning rate (empty for a method that trains nothing)
 * @param examples training examples
 * @param tokens reply tokens trained on, over all epochs
 * @param sampledTokens tokens sampled from the model to make its training data: the shared rollouts
 *     it trains from, its teacher's replies, its own rollouts (GRPO)
 * @param cpuSeconds CPU-seconds of what the method needs beyond the shared rollouts: its training
 *     data (the shared curate/teacher-logits it reads counted in full) and its training
 * @param greedy greedy pass@1 of the method's model (temperature 0, one sample per problem; every
 *     evaluation decodes it)
 * @param sampled the method's model sampled as eval.* says (pass@1, maj@k)
 * @param greedyDifference greedy pass@1 of method − base, paired by problem
 * @param sampledDifference method − base sampled, paired by problem
 * @param adapter the student's adapter folder
 * @param run the run folder holding the method's evaluations
 */
record CompareRow(
        String method,
        OptionalDouble lr,
        long examples,
        long tokens,
        long sampledTokens,
        double cpuSeconds,
        Interval greedy,
        EvalSummary.ModelSummary sampled,
        Optional<Interval> greedyDifference,
        Optional<EvalSummary.Difference> sampledDifference,
        Optional<String> adapter,
        String run) {

    CompareRow {
        requireNonNull(method, "method is null");
        requireNonNull(lr, "lr is null");
        requireNonNull(greedy, "greedy is null");
        requireNonNull(sampled, "sampled is null");
        requireNonNull(greedyDifference, "greedyDifference is null");
        requireNonNull(sampledDifference, "sampledDifference is null");
        requireNonNull(adapter, "adapter is null");
        requireNonNull(run, "run is null");
    }
}
