package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.config.ConfigResolver;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** conf/ssb-cluster.properties and conf/spark/spark-defaults.conf.template agree with the build. */
class ClusterConfTest {

    private static final Path CONF = AirflowDagTest.REPO.resolve("conf");

    private static Map<String, String> sparkDefaults() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CONF.resolve("spark/spark-defaults.conf.template"))) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] kv = trimmed.split("\\s+", 2);
            assertThat(values.put(kv[0], kv.length > 1 ? kv[1] : ""))
                    .as("duplicate %s", kv[0])
                    .isNull();
        }
        return values;
    }

    @Test
    void sparkDefaultsGiveOneGpuPerExecutorAndTask() throws Exception {
        Map<String, String> conf = sparkDefaults();
        assertThat(conf)
                .containsEntry("spark.executor.resource.gpu.amount", "1")
                .containsEntry("spark.task.resource.gpu.amount", "1")
                .containsEntry("spark.executor.cores", "1")
                .containsEntry("spark.executorEnv.DJL_OFFLINE", "true")
                .containsKey("spark.executorEnv.DJL_CACHE_DIR");
        Path script =
                AirflowDagTest.REPO.resolve(conf.get("spark.worker.resource.gpu.discoveryScript"));
        assertThat(script).isRegularFile().isExecutable();
    }

    @Test
    void sparkDefaultsCarryTheModuleFlagsOfTheBuildOnDriverAndExecutors() throws Exception {
        Map<String, String> conf = sparkDefaults();
        List<String> flags = AirflowDagTest.moduleFlags();
        for (String key :
                List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
            assertThat(List.of(conf.get(key).split("\\s+")))
                    .as(key)
                    .containsAll(flags)
                    .contains("-Dai.djl.offline=true");
        }
    }

    @Test
    void clusterPropertiesResolveToHalfPrecisionGpuWithLargerBatches() {
        SsbConfig local = ConfigResolver.resolve(Optional.empty(), Map.of());
        SsbConfig cluster =
                ConfigResolver.resolve(
                        Optional.of(CONF.resolve("ssb-cluster.properties").toString()), Map.of());
        assertThat(cluster.useGpu()).isTrue();
        assertThat(cluster.string(SsbProperties.MODEL_DTYPE)).isEqualTo("bfloat16");
        for (String batch :
                List.of(
                        SsbProperties.ROLLOUT_BATCH_SIZE,
                        SsbProperties.TEACHER_BATCH_SIZE,
                        SsbProperties.LOGITS_BATCH_SIZE)) {
            assertThat(cluster.intValue(batch)).as(batch).isGreaterThan(local.intValue(batch));
        }
    }
}
