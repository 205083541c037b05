package dev.ssb.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSpecTest {

    @TempDir Path tmp;

    private ClusterSpec.Builder builder() {
        return StandaloneCluster.builder().sparkHome(tmp).runtimeDependencies(List.of());
    }

    @Test
    void buildsSmallDefaults() {
        ClusterSpec spec = builder().build();

        assertThat(spec.workerCores()).isEqualTo(2);
        assertThat(spec.workerMemory()).isEqualTo("2g");
        assertThat(spec.gpuAmount()).isZero();
        assertThat(spec.gpuDiscoveryScript()).isNull();
    }

    @Test
    void defaultsToTheSparkHomeTheBuildLaidOut() {
        ClusterSpec spec = StandaloneCluster.builder().build();

        assertThat(spec.sparkHome()).isEqualTo(TestBuild.targetDir().resolve("spark-home"));
        assertThat(spec.sparkHome().resolve("jars")).isDirectory();
        assertThat(spec.runtimeDependencies()).isNotEmpty().allMatch(Files::exists);
    }

    @Test
    void rejectsInvalidWorkerResources() {
        assertThatThrownBy(() -> builder().workerCores(0).build())
                .hasMessage("Invalid workerCores: 0 (must be >= 1)");
        assertThatThrownBy(() -> builder().workerMemory("2GB").build())
                .hasMessage("Invalid workerMemory: 2GB (must be like 512m or 2g)");
        assertThatThrownBy(() -> builder().gpus(-1, null).build())
                .hasMessage("Invalid gpuAmount: -1 (must be >= 0)");
    }

    @Test
    void requiresAnExistingDiscoveryScriptForGpus() throws Exception {
        Path missing = tmp.resolve("nope.sh");
        assertThatThrownBy(() -> builder().gpus(2, missing).build())
                .hasMessageContaining("Invalid gpuDiscoveryScript: " + missing);

        Path script = Files.writeString(tmp.resolve("gpus.sh"), "echo");
        assertThat(builder().gpus(2, script).build().gpuAmount()).isEqualTo(2);
    }

    @Test
    void rejectsNonPositiveTimeouts() {
        assertThatThrownBy(() -> builder().startupTimeout(Duration.ZERO).build())
                .hasMessage("Invalid startupTimeout: PT0S (must be > 0)");
        assertThatThrownBy(() -> builder().submitTimeout(Duration.ofSeconds(-1)).build())
                .hasMessage("Invalid submitTimeout: PT-1S (must be > 0)");
    }
}
