package dev.ssb.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

class GpuPlacementTest {

    private static Map<String, ResourceInformation> gpus(String... addresses) {
        return Map.of("gpu", new ResourceInformation("gpu", addresses));
    }

    @Test
    void returnsTheSingleAssignedAddress() {
        assertThat(GpuPlacement.gpuId(gpus("1"))).isEqualTo(1);
        assertThat(GpuPlacement.gpuId(gpus(" 7 "))).isEqualTo(7);
    }

    @Test
    void returnsNoGpuWhenTheTaskWasGivenNone() {
        assertThat(GpuPlacement.gpuId(Map.of())).isEqualTo(GpuPlacement.NO_GPU);
        assertThat(GpuPlacement.gpuId(gpus())).isEqualTo(GpuPlacement.NO_GPU);
        assertThat(
                        GpuPlacement.gpuId(
                                Map.of(
                                        "fpga",
                                        new ResourceInformation("fpga", new String[] {"0"}))))
                .isEqualTo(GpuPlacement.NO_GPU);
    }

    @Test
    void returnsNoGpuOutsideATask() {
        assertThat(GpuPlacement.gpuIdForTask()).isEqualTo(GpuPlacement.NO_GPU);
    }

    @Test
    void rejectsSeveralAddresses() {
        assertThatThrownBy(() -> GpuPlacement.gpuId(gpus("0", "1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("given 2 GPUs 0,1");
    }

    @Test
    void rejectsNonNumericOrNegativeAddresses() {
        assertThatThrownBy(() -> GpuPlacement.gpuId(gpus("GPU-3f2a")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Invalid GPU address: GPU-3f2a (must be a CUDA device index >= 0)");
        assertThatThrownBy(() -> GpuPlacement.gpuId(gpus("-1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Invalid GPU address: -1");
    }
}
