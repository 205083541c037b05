package dev.ssb.accept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AcceptOrderTest {

    @Test
    void theOrderIsSeededAndDoesNotDependOnTheInputOrder() {
        List<String> ids = List.of("a", "b", "c", "d", "e", "f", "g", "h");
        List<String> order = AcceptOrder.order(ids, 7);
        assertThat(order).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(AcceptOrder.order(List.of("h", "g", "f", "e", "d", "c", "b", "a"), 7))
                .isEqualTo(order);
        assertThat(AcceptOrder.order(ids, 8)).as("another seed").isNotEqualTo(order);
    }

    @Test
    void roundsStartAtTheTargetThenFollowTheAcceptanceRate() {
        assertThat(AcceptOrder.roundSize(256, 0, 0, 7473)).isEqualTo(256);
        // 100 of 256 accepted: 156 missing at rate 0.39 → ceil(1.2 · 156 / 0.390625) = 480
        assertThat(AcceptOrder.roundSize(256, 100, 256, 7473)).isEqualTo(480);
        assertThat(AcceptOrder.roundSize(256, 0, 256, 7473)).as("none yet: double").isEqualTo(512);
        assertThat(AcceptOrder.roundSize(256, 255, 600, 7473)).isEqualTo(AcceptOrder.MIN_ROUND);
        assertThat(AcceptOrder.roundSize(256, 10, 7470, 7473)).as("the data ends").isEqualTo(3);
    }

    @Test
    void theCutIsAfterTheProblemThatReachesTheTarget() {
        List<String> round = List.of("a", "b", "c", "d");
        Map<String, Boolean> ok = Map.of("a", true, "b", false, "c", true, "d", true);
        assertThat(AcceptOrder.cut(round, ok, 0, 2)).isEqualTo(3);
        assertThat(AcceptOrder.cut(round, ok, 1, 2)).isEqualTo(1);
        assertThat(AcceptOrder.cut(round, ok, 0, 4)).isEqualTo(-1);
        assertThatThrownBy(() -> AcceptOrder.cut(List.of("z"), ok, 0, 1))
                .hasMessage("Cannot select problems: curation returned no row for z");
    }
}
