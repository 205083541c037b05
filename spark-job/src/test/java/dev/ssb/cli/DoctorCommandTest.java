package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.spark.SharedSpark;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoctorCommandTest {

    private record Result(int code, String out, String err) {}

    private static Result doctor(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "doctor";
        System.arraycopy(args, 0, all, 1, args.length);
        CliRun.Result r = CliRun.execute(all);
        return new Result(r.code(), r.out(), r.err());
    }

    @Test
    void localChecksPassOnTheCpu() {
        Result r = doctor("--matmul-size", "64");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .containsPattern("ok +java +17")
                .containsPattern("ok +spark +4\\.2\\.0")
                .containsPattern("ok +djl +0\\.36\\.0")
                .containsPattern("ok +libtorch +2\\.7\\.1 flavor cpu \\(no CUDA\\) from /")
                .containsPattern("ok +cuda +none")
                .containsPattern("ok +matmul +64x64 FLOAT32 on cpu\\(\\)/FLOAT32: [0-9.]+ GFLOP/s")
                .containsPattern("ok +generate +\\d+ tokens of embedded:toy on cpu\\(\\)/FLOAT32")
                .contains("doctor: all checks passed on 1 JVM(s)")
                .doesNotContain("FAIL");
    }

    @Test
    void aGpuWithoutCudaFailsWithTheFix() {
        Result r = doctor("--device", "gpu", "--dtype", "bfloat16", "--matmul-size", "64");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out())
                .containsPattern("FAIL +cuda +none; gpu\\(0\\)/BFLOAT16 was asked for")
                .contains("fix:")
                .contains("PYTORCH_LIBRARY_PATH=<torch>/lib and PYTORCH_FLAVOR=cu128")
                .contains("doctor: checks failed on 1 of 1 JVM(s)")
                .doesNotContain("generate");
        Result bad = doctor("--dtype", "float16");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err())
                .contains("Invalid --dtype: float16 (must be float32 with --device cpu)");
    }

    @Test
    void clusterModePrintsOneRowPerExecutor() {
        SharedSpark.session(); // local[2]: the driver is the only executor
        Result r = doctor("--cluster", "--matmul-size", "64");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        List<String> rows =
                r.out()
                        .lines()
                        .filter(l -> l.matches("driver +\\S+ +- +cpu +[0-9.]+ +OK"))
                        .toList();
        assertThat(rows).hasSize(1);
        assertThat(r.out()).containsOnlyOnce("== driver on ");
    }
}
