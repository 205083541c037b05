package dev.ssb.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU discovery scripts print what Spark parses ({@code ResourceInformationJson}: a name and
 * string addresses), and the real one fails when there is no GPU.
 */
class GpuDiscoveryScriptsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    private static Path confScript() {
        // spark-job/target -> repository root
        return TestBuild.targetDir()
                .getParent()
                .getParent()
                .resolve("conf/spark/getGpusResources.sh");
    }

    /** Runs {@code bash script} with {@code PATH} starting at {@code binDir}. */
    private static Result run(Path script, Path binDir, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString());
        pb.environment().put("PATH", binDir + ":/usr/bin:/bin");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(binDir, "out", ".txt");
        Path err = Files.createTempFile(binDir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private record Result(int exitCode, String stdout, String stderr) {}

    private Path fakeNvidiaSmi(String output) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(
                smi,
                "#!/bin/sh\n"
                        + "[ \"$1 $2\" = \"--query-gpu=index --format=csv,noheader\" ] || exit 9\n"
                        + "printf '"
                        + output
                        + "'\n",
                StandardCharsets.UTF_8);
        assertThat(smi.toFile().setExecutable(true)).isTrue();
        return bin;
    }

    @Test
    void listsTheIndicesNvidiaSmiReports() throws Exception {
        Result r = run(confScript(), fakeNvidiaSmi("0\\n1\\n3\\n"), Map.of());

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        JsonNode json = JSON.readTree(r.stdout());
        assertThat(json.get("name").asText()).isEqualTo("gpu");
        assertThat(json.get("addresses"))
                .extracting(JsonNode::asText)
                .containsExactly("0", "1", "3");
    }

    @Test
    void failsWithoutNvidiaSmi() throws Exception {
        Path emptyBin = Files.createDirectories(tmp.resolve("empty"));
        Result r = run(confScript(), emptyBin, Map.of());

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("nvidia-smi not found");
    }

    @Test
    void failsWhenNvidiaSmiListsNoGpu() throws Exception {
        Result r = run(confScript(), fakeNvidiaSmi(""), Map.of());

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("lists no GPU");
    }

    @Test
    void fakeScriptPrintsTwoAddressesByDefaultOrTheConfiguredOnes() throws Exception {
        Path fake = Path.of(getClass().getResource("/fake-gpus.sh").toURI());
        Path bin = Files.createDirectories(tmp.resolve("fake"));

        JsonNode two = JSON.readTree(run(fake, bin, Map.of()).stdout());
        JsonNode three = JSON.readTree(run(fake, bin, Map.of("SSB_FAKE_GPUS", "4,5,6")).stdout());

        assertThat(two.get("name").asText()).isEqualTo("gpu");
        assertThat(two.get("addresses")).extracting(JsonNode::asText).isEqualTo(List.of("0", "1"));
        assertThat(three.get("addresses"))
                .extracting(JsonNode::asText)
                .isEqualTo(List.of("4", "5", "6"));
    }
}
