package dev.ssb.grpo;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.PolicyExample;
import java.io.Serializable;

/**
 * One sampled reply of a GRPO step, as it travels between the executors that sample and score it
 * and the driver that computes its advantage.
 *
 * @param index position in the step's batch (group after group)
 * @param problemId the problem
 * @param sampleIdx 0..G-1 within its group
 * @param promptIds the student prompt, chat template applied
 * @param replyIds the sampled ids (empty when the prompt did not fit)
 * @param reward 1 for a verified correct answer, else 0
 * @param verdict the verifier's verdict
 * @param refLogProbs per reply token, log-prob under the base model (null when β = 0)
 * @param advantage set on the driver
 * @param oldLogProbs per reply token, log-prob under the policy that sampled (null on the first
 *     pass: the current policy)
 */
record Sample(
        int index,
        String problemId,
        int sampleIdx,
        int[] promptIds,
        int[] replyIds,
        float reward,
        String verdict,
        float[] refLogProbs,
        float advantage,
        float[] oldLogProbs)
        implements Serializable {

    Sample {
        requireNonNull(problemId, "problemId is null");
        requireNonNull(promptIds, "promptIds is null");
        requireNonNull(replyIds, "replyIds is null");
        requireNonNull(verdict, "verdict is null");
    }

    /** This sample at {@code index} of the step's batch with its advantage. */
    Sample with(int index, float advantage) {
        return with(index, advantage, oldLogProbs);
    }

    /** This sample with the log-probs of the policy that sampled it. */
    Sample withOld(float[] old) {
        return with(index, advantage, old);
    }

    private Sample with(int index, float advantage, float[] old) {
        return new Sample(
                index,
                problemId,
                sampleIdx,
                promptIds,
                replyIds,
                reward,
                verdict,
                refLogProbs,
                advantage,
                old);
    }

    PolicyExample toExample() {
        return new PolicyExample(promptIds, replyIds, advantage, oldLogProbs, refLogProbs);
    }
}
