package dev.ssb.stage;

import static java.util.Objects.requireNonNull;

import dev.ssb.spark.ExecutorVerifier;
import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.FinishReason;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.Verdict;
import dev.ssb.worker.api.Verification;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One generate call and its verdicts: what rollout, curate's teacher and evaluate each do with a
 * batch of seeded prompts.
 *
 * @param generations one per request, in request order
 * @param verdicts each generation's answer checked against its gold answer (a cut reply counts as
 *     truncated)
 * @param genMs wall time of the generate call
 */
public record Replies(List<Generation> generations, List<Verification> verdicts, long genMs) {

    public Replies {
        generations = List.copyOf(generations);
        verdicts = List.copyOf(verdicts);
    }

    /**
     * {@code n} replies never decoded because their prompt did not fit ({@link
     * FinishReason#PROMPT_TOO_LONG}, verdict {@link Verdict#PROMPT_TOO_LONG}): empty, no answer.
     */
    public static Replies promptTooLong(int n, ModelPartition.Tokens tokens) {
        Generation none = new Generation(new int[0], "", FinishReason.PROMPT_TOO_LONG);
        Verification verdict =
                new Verification(
                        Verdict.PROMPT_TOO_LONG,
                        null,
                        String.format(
                                "student prompt of %s tokens, sequence of %s tokens: over the"
                                        + " budget",
                                tokens.studentPrompt(), tokens.sequence()));
        return new Replies(Collections.nCopies(n, none), Collections.nCopies(n, verdict), 0);
    }

    /**
     * Decodes {@code requests} together and verifies reply i against {@code golds.get(i)} with this
     * JVM's verifier.
     */
    public static Replies generate(
            LanguageModel model,
            List<GenerationRequest> requests,
            List<String> golds,
            Decoding decoding) {
        requireNonNull(model, "model is null");
        if (golds.size() != requests.size()) {
            throw new IllegalArgumentException(
                    "Invalid golds: " + golds.size() + " for " + requests.size() + " requests");
        }
        long t0 = System.nanoTime();
        List<Generation> generations = model.generate(requests, decoding.params());
        long genMs = (System.nanoTime() - t0) / 1_000_000;
        if (generations.size() != requests.size()) {
            throw new IllegalStateException(
                    String.format(
                            "Model %s returned %s generations for %s requests",
                            model.modelId(), generations.size(), requests.size()));
        }
        AnswerVerifier verifier = ExecutorVerifier.get();
        List<Verification> verdicts = new ArrayList<>(generations.size());
        for (int i = 0; i < generations.size(); i++) {
            Generation g = generations.get(i);
            verdicts.add(
                    verifier.verify(
                            g.text(), g.finishReason() == FinishReason.LENGTH, golds.get(i)));
        }
        return new Replies(generations, verdicts, genMs);
    }
}
