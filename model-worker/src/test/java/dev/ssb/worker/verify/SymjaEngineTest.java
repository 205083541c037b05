package dev.ssb.worker.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class SymjaEngineTest {

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void anAbandonedCallIsReplacedSoTheNextCallDoesNotWait() throws Exception {
        try (SymjaEngine engine = new SymjaEngine(1)) {
            assertThat(engine.eval("PossibleZeroQ(3*Sqrt(13)-Sqrt(117))", in(5_000)))
                    .isEqualTo("True");
            assertThat(engine.poolSize()).isEqualTo(1);

            // ~15 s of work for the only worker (unless the interrupt stops Symja earlier)
            assertThatThrownBy(() -> engine.eval("Expand((vx+vy+vz+vw+1)^40)", in(20)))
                    .isInstanceOf(TimeoutException.class);

            long start = System.nanoTime();
            assertThat(engine.eval("PossibleZeroQ(vp-vq)", in(5_000))).isEqualTo("False");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).as("a replacement worker answered").isLessThan(3_000);
            assertThat(engine.poolSize()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void hugePowersStayUnevaluatedQuickly() throws Exception {
        try (SymjaEngine engine = new SymjaEngine(1)) {
            String result = engine.eval("PossibleZeroQ(9^(9^9)-1)", in(5_000));
            assertThat(result).isNotEqualTo("True");
        }
    }
}
