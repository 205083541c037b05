package dev.ssb.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.cli.SsbCommand;
import dev.ssb.spark.SharedSpark;
import dev.ssb.testing.ClusterTest;
import dev.ssb.testing.StandaloneCluster;
import dev.ssb.testing.SubmitResult;
import dev.ssb.testing.TestBuild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a scheduler does: {@code ssb run} submitted in client mode through SparkSubmit to a
 * standalone Master + Worker runs every stage on a few toy problems and exits 0; a submission that
 * cannot succeed (its problems file does not exist) exits non-zero.
 */
@ClusterTest
class RunSubmitTest {

    private static final int TRAIN = 8;
    private static final int TEST = 4;

    @TempDir Path tmp;

    @Test
    void runSubmittedToAStandaloneClusterCompletesAndAFailingSubmissionExitsNonZero()
            throws Exception {
        SharedSpark.session();
        Path model = TinyPipeline.checkpoint(tmp, 3, TRAIN, TEST);
        TinyPipeline.problems(tmp.resolve("data"), 3, TRAIN, TEST);
        Path runs = tmp.resolve("runs");
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "--out",
                                runs.toString(),
                                "--run-id",
                                "r",
                                "--model",
                                model.toString(),
                                "--problems",
                                tmp.resolve("data/train.jsonl").toString(),
                                "--set",
                                "eval.problems=" + tmp.resolve("data/test.jsonl")));
        args.addAll(TinyPipeline.flags());
        List<String> failing = new ArrayList<>(args);
        failing.set(failing.indexOf("--problems") + 1, tmp.resolve("missing.jsonl").toString());
        failing.set(failing.indexOf("--run-id") + 1, "broken");

        Map<String, String> conf = StandaloneCluster.oneCoreExecutors(2, "1g");
        // as a scheduler submits: no waiting for every executor before the application starts
        // (the failing submission ends before it needs one)
        conf.remove("spark.scheduler.minRegisteredResourcesRatio");
        conf.remove("spark.scheduler.maxRegisteredResourcesWaitingTime");
        StandaloneCluster cluster = StandaloneCluster.shared();
        SubmitResult ok =
                cluster.submit(
                        SsbCommand.class.getName(),
                        TestBuild.appClasspath(),
                        conf,
                        args.toArray(String[]::new));
        SubmitResult bad =
                cluster.submit(
                        SsbCommand.class.getName(),
                        TestBuild.appClasspath(),
                        conf,
                        failing.toArray(String[]::new));

        assertThat(ok.succeeded()).as(ok.describe()).isTrue();
        for (String table :
                List.of(
                        "problems",
                        "rollouts",
                        "teacher_contexts",
                        "teacher_logits",
                        "adapter",
                        "train_metrics")) {
            assertThat(runs.resolve("r").resolve(table).resolve("_ssb_manifest.json"))
                    .as("stage output %s committed", table)
                    .isRegularFile();
        }
        JsonNode summary =
                new ObjectMapper().readTree(runs.resolve("r/eval/summary.json").toFile());
        assertThat(summary.at("/models/base/problems").asInt()).isEqualTo(TEST);
        assertThat(summary.at("/models/student/problems").asInt()).isEqualTo(TEST);

        assertThat(bad.succeeded()).as(bad.describe()).isFalse();
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.stderr() + bad.stdout()).contains("missing.jsonl");
        assertThat(Files.exists(runs.resolve("broken/problems/_ssb_manifest.json"))).isFalse();
    }
}
