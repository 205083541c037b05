package dev.ssb.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.worker.api.Device;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

class SeedsTest {

    @Test
    void seedsArePinnedAndDependOnEveryInput() {
        long s = Seeds.seed(42, "gsm8k:abc", 0);
        assertThat(Seeds.seed(42, "gsm8k:abc", 0)).isEqualTo(s);
        assertThat(Seeds.seed(43, "gsm8k:abc", 0)).isNotEqualTo(s);
        assertThat(Seeds.seed(42, "gsm8k:abd", 0)).isNotEqualTo(s);
        assertThat(Seeds.seed(42, "gsm8k:abc", 1)).isNotEqualTo(s);
        assertThat(Seeds.seed(42, "teacher", "gsm8k:abc", 0)).isNotEqualTo(s);
        // golden values: a change of the derivation would silently change every run's rollouts
        assertThat(Seeds.mix(0)).isEqualTo(0L);
        assertThat(Seeds.mix(1)).isEqualTo(0x5692161D100B05E5L);
        assertThat(Seeds.fnv1a64("")).isEqualTo(0xCBF29CE484222325L);
        assertThat(Seeds.fnv1a64("a")).isEqualTo(0xAF63DC4C8601EC8CL);
    }

    @Test
    void seedsDoNotCollideOverManyProblemsAndSamples() {
        Set<Long> seen = new HashSet<>();
        for (int p = 0; p < 5000; p++) {
            for (int k = 0; k < 8; k++) {
                seen.add(Seeds.seed(7, "math:" + p, k));
            }
        }
        assertThat(seen).hasSize(40_000);
    }

    @Test
    void choosesTheTasksFirstGpuAddress() {
        Map<String, ResourceInformation> resources =
                Map.of("gpu", new ResourceInformation("gpu", new String[] {"3", "5"}));
        assertThat(GpuAssignment.choose(resources, Device.DType.FLOAT16))
                .isEqualTo(Device.gpu(3, Device.DType.FLOAT16));
        assertThatThrownBy(() -> GpuAssignment.choose(Map.of(), Device.DType.FLOAT32))
                .hasMessageContaining("spark.task.resource.gpu.amount");
        assertThat(GpuAssignment.forCurrentTask(false, Device.DType.FLOAT32))
                .isEqualTo(Device.cpu());
    }
}
