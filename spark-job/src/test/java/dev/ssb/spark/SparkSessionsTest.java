package dev.ssb.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {

    @Test
    void plainLaunchGetsLocalMasterProgressBarAndATemporaryWarehouse() {
        Map<String, String> d = SparkSessions.defaults(new SparkConf(false), true);
        assertThat(d).containsEntry("spark.master", "local[*]");
        assertThat(d).containsEntry(SparkSessions.PROGRESS, "true");
        Path warehouse = Path.of(URI.create(d.get(SparkSessions.WAREHOUSE)));
        assertThat(warehouse).isDirectory();
        assertThat(warehouse.toAbsolutePath().normalize())
                .startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
        assertThat(warehouse.startsWith(Path.of("").toAbsolutePath())).isFalse();
        assertThat(SparkSessions.defaults(new SparkConf(false), false))
                .doesNotContainKey(SparkSessions.PROGRESS);
    }

    @Test
    void submittedSettingsWin() throws Exception {
        SparkConf submitted =
                new SparkConf(false)
                        .set("spark.master", "yarn")
                        .set(SparkSessions.WAREHOUSE, "hdfs:///user/ssb/warehouse");
        assertThat(SparkSessions.defaults(submitted, true)).isEmpty();
        SparkConf quiet = new SparkConf(false).set(SparkSessions.PROGRESS, "false");
        assertThat(SparkSessions.defaults(quiet, true)).doesNotContainKey(SparkSessions.PROGRESS);
        assertThat(Files.exists(Path.of("spark-warehouse"))).isFalse();
    }
}
