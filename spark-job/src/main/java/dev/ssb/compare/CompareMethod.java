package dev.ssb.compare;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One method of {@code ssb compare}: what it trains from the run's shared rollouts. Every method is
 * evaluated alike afterwards; a new method (e.g. GRPO) is one implementation added to {@link
 * Methods#ALL}.
 */
interface CompareMethod {

    /** The shared stages of the compare run, after rollout, that a method reads. */
    enum Shared {
        /** The hinted teacher's curated replies ({@code teacher_contexts}). */
        CURATE,
        /** The teacher's top-k distributions over them ({@code teacher_logits}). */
        TEACHER_LOGITS
    }

    /** The name on the command line and in the table. */
    String name();

    /** One line for {@code --help} and the docs. */
    String description();

    /** The shared stages it needs (their CPU time is counted in its cost). */
    List<Shared> needs();

    /** Whether it trains (and so takes a learning rate). */
    default boolean trains() {
        return true;
    }

    /**
     * Whether it trains from the shared rollouts (their sampled tokens count in its budget): every
     * trained method but one that samples its own (GRPO).
     */
    default boolean usesRollouts() {
        return trains();
    }

    /** Trains the method's student; empty for a method that trains nothing (the base model). */
    Optional<Training> train(CompareContext context);

    /**
     * What training produced.
     *
     * @param adapter the student's PEFT adapter folder
     * @param examples training examples
     * @param tokens reply tokens trained on, over all epochs
     * @param skipped whether training was already complete (nothing recomputed)
     * @param sampledTokens tokens the method sampled from the model beyond the shared rollouts (its
     *     teacher's replies, or its own rollouts)
     */
    record Training(
            String adapter, long examples, long tokens, boolean skipped, long sampledTokens) {
        public Training {
            requireNonNull(adapter, "adapter is null");
        }

        Training(String adapter, long examples, long tokens, boolean skipped) {
            this(adapter, examples, tokens, skipped, 0);
        }

        Training withSampledTokens(long sampled) {
            return new Training(adapter, examples, tokens, skipped, sampled);
        }
    }
}
