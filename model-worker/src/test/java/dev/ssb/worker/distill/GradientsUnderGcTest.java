package dev.ssb.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.LossConfig;
import dev.ssb.worker.api.PolicyExample;
import dev.ssb.worker.api.PolicyLoss;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gradients do not change when the JVM collects garbage between the forward and the backward pass.
 *
 * <p>DJL turns a Java number operand ({@code x.mul(0.5f)}) into a one-element tensor over a direct
 * buffer that it closes right after the operation, so the buffer may be freed at the next GC; an
 * operation that saves that operand for its backward pass (mul, div, maximum, …) then reads freed
 * memory. Before the fix this gave gradients of 1e36 or NaN whenever a GC fell in between (first
 * seen as GRPO gradients that were "not repeatable after decoding on another thread"). Here a
 * thread requests GCs continuously while the gradients are computed, and every result must equal
 * the result of a quiet run to the bit.
 */
class GradientsUnderGcTest extends TinyQwen2Tests {

    /** All seven LoRA targets, so every scaled LoRA product is in the graph. */
    private static final LoraConfig ALL =
            new LoraConfig(
                    4,
                    8f,
                    List.of(
                            "q_proj",
                            "k_proj",
                            "v_proj",
                            "o_proj",
                            "gate_proj",
                            "up_proj",
                            "down_proj"));

    private static final int ROUNDS = 2;

    @BeforeEach
    void allTargets() {
        KdFixtures.apply(model, KdFixtures.adapter(config, ALL, 0.3, 22));
    }

    @Test
    void distillationGradientsAreUnchangedByGarbageCollection() throws Exception {
        // T != 1 and both loss weights != 1: every scalar of the KD loss is in the graph
        LossConfig loss = new LossConfig(2f, 0.7f, 0.3f);
        List<KdExample> batch = KdFixtures.examples(4, valid, 3, 2f, 23);
        assertRepeatable(() -> KdGradients.compute(model, batch, loss, valid));
    }

    @Test
    void policyGradientsAreUnchangedByGarbageCollection() throws Exception {
        PolicyLoss loss = new PolicyLoss(0.2f, 0.1f);
        List<PolicyExample> batch =
                KdFixtures.offPolicy(model, valid, KdFixtures.policyExamples(4, valid, 24), 25);
        assertRepeatable(() -> PolicyGradients.compute(model, batch, loss, valid).gradients());
    }

    @Test
    void aNonFiniteGradientOfAnEarlierCallDoesNotStay() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1f, 2f});
            NDArray bad = m.create(new float[] {Float.NaN, Float.POSITIVE_INFINITY});
            Autograd.backward(List.of(p), () -> p.mul(bad).sum());
            assertThat(p.getGradient().toFloatArray())
                    .containsExactly(Float.NaN, Float.POSITIVE_INFINITY);
            NDArray two = m.create(new float[] {2f, 2f});
            Autograd.backward(List.of(p), () -> p.mul(two).sum());
            assertThat(p.getGradient().toFloatArray())
                    .as("zeroed before the second call, not NaN - NaN")
                    .containsExactly(2f, 2f);
        }
    }

    private static void assertRepeatable(Supplier<GradientResult> gradients) throws Exception {
        Map<String, HostTensor> quiet = gradients.get().gradientSums();
        for (HostTensor t : quiet.values()) {
            for (float v : t.data()) {
                assertThat(v).isFinite();
            }
        }
        Thread collector =
                new Thread(
                        () -> {
                            while (!Thread.currentThread().isInterrupted()) {
                                System.gc();
                                Thread.onSpinWait();
                            }
                        },
                        "gc-requests");
        collector.setDaemon(true);
        collector.start();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Map<String, HostTensor> busy = gradients.get().gradientSums();
                assertThat(busy.keySet()).isEqualTo(quiet.keySet());
                for (String name : quiet.keySet()) {
                    assertThat(busy.get(name).data())
                            .as("round %s, %s", round, name)
                            .containsExactly(quiet.get(name).data());
                }
            }
        } finally {
            collector.interrupt();
            collector.join();
        }
    }
}
