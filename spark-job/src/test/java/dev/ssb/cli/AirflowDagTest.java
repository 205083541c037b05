package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.pipeline.Stages;
import dev.ssb.stage.Stage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * conf/airflow/ssb_dag.py compiles, declares one client-mode spark-submit per stage in pipeline
 * order with the Java 17 flags, and the CLI accepts every task's arguments with --dry-run. Airflow
 * is not installed: a Python script loads the DAG against stub airflow modules.
 */
class AirflowDagTest {

    static final Path REPO = Path.of(System.getProperty("ssb.repo.dir", "..")).toAbsolutePath();
    private static final Path DAG = REPO.resolve("conf/airflow/ssb_dag.py");
    private static final Pattern TEMPLATE =
            Pattern.compile("\\{\\{ *(params\\.)?(\\w+)(?: *\\| *(\\w+))? *}}");

    /** Airflow run ids: two manual triggers on one day, and a scheduled run. */
    private static final List<String> RUN_IDS =
            List.of(
                    "manual__2025-01-01T10:00:00.123456+00:00",
                    "manual__2025-01-01T17:30:05.000001+00:00",
                    "scheduled__2025-01-01T00:00:00+00:00");

    @TempDir static Path dir;
    private static JsonNode dag;

    @BeforeAll
    static void loadDag() throws Exception {
        assumeThat(NotebookQueriesTest.python3()).as("python3 on PATH").isTrue();
        Path script = dir.resolve("dump_dag.py");
        try (var in = AirflowDagTest.class.getResourceAsStream("/dev/ssb/airflow/dump_dag.py")) {
            Files.copy(in, script);
        }
        List<String> args = new ArrayList<>(List.of(script.toString(), DAG.toString()));
        args.addAll(RUN_IDS);
        dag = new ObjectMapper().readTree(python(args.toArray(String[]::new)));
    }

    static String python(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3"));
        command.addAll(Arrays.asList(args));
        Process p =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("python3 %s", command).isZero();
        return out;
    }

    @Test
    void compiles() throws Exception {
        python(
                "-c",
                "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2],"
                        + " doraise=True)",
                DAG.toString(),
                dir.resolve("ssb_dag.pyc").toString());
        assertThat(dir.resolve("ssb_dag.pyc")).isNotEmptyFile();
    }

    @Test
    void theDagsTasksAreTheDeclaredStagesInPipelineOrder() {
        List<String> ids = new ArrayList<>();
        List<String> upstream = new ArrayList<>();
        int i = 0;
        for (JsonNode task : dag.get("tasks")) {
            ids.add(task.get("task_id").asText());
            upstream.add(task.get("upstream").toString());
            assertThat(task.get("deploy_mode").asText()).isEqualTo("client");
            assertThat(task.get("java_class").asText()).isEqualTo(SsbCommand.class.getName());
            assertThat(task.get("application").asText()).contains("var.value.get('ssb_jar'");
            List<String> args = args(task);
            Stage declared = Stages.ALL.get(i++);
            assertThat(args.get(0)).isEqualTo(declared.name());
            assertThat(args.contains("--resume"))
                    .as(declared.name())
                    .isEqualTo(declared.has(Stage.Trait.RESUMABLE));
            assertThat(String.join(" ", args))
                    .contains("--run-id {{ run_id | ssb_run_id }}")
                    .doesNotContain("--force");
        }
        List<String> expectedIds = new ArrayList<>();
        List<String> expectedUpstream = new ArrayList<>();
        for (Stage stage : Stages.ALL) {
            expectedUpstream.add(
                    expectedIds.isEmpty()
                            ? "[]"
                            : "[\"" + expectedIds.get(expectedIds.size() - 1) + "\"]");
            expectedIds.add(stage.name().replace('-', '_'));
        }
        assertThat(ids).isEqualTo(expectedIds);
        assertThat(upstream).isEqualTo(expectedUpstream);
        assertThat(ids)
                .containsExactly(
                        "ingest", "rollout", "curate", "teacher_logits", "distill", "evaluate");
    }

    @Test
    void theStageListBesideTheDagIsWhatSsbStagesJsonPrints() throws Exception {
        String shipped =
                Files.readString(REPO.resolve("conf/airflow/ssb_stages.json"))
                        .replace("\r\n", "\n");
        CommandLine cli = SsbCommand.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("stages", "--json")).isZero();
        assertThat(shipped)
                .as("regenerate with: ssb stages --json > conf/airflow/ssb_stages.json")
                .isEqualTo(out.toString().replace("\r\n", "\n"));
        JsonNode stages = new ObjectMapper().readTree(shipped);
        assertThat(stages).hasSize(Stages.ALL.size());
        for (int i = 0; i < stages.size(); i++) {
            Stage declared = Stages.ALL.get(i);
            JsonNode s = stages.get(i);
            assertThat(s.get("name").asText()).isEqualTo(declared.name());
            assertThat(s.get("command").asText()).isEqualTo("ssb " + declared.name());
            assertThat(s.get("outputs").toString())
                    .isEqualTo(new ObjectMapper().writeValueAsString(declared.outputs()));
            assertThat(s.get("result_keys").size()).isEqualTo(declared.resultKeys().size());
        }
    }

    @Test
    void javaOptionsCarryEveryModuleFlagOfTheBuild() throws Exception {
        List<String> flags = moduleFlags();
        assertThat(flags).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
        for (JsonNode task : dag.get("tasks")) {
            JsonNode conf = task.get("conf");
            for (String key :
                    List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
                List<String> options = List.of(conf.get(key).asText().split(" "));
                assertThat(options).as(key).containsAll(flags).contains("-Dai.djl.offline=true");
            }
            assertThat(conf.get("spark.executor.resource.gpu.amount").asText()).isEqualTo("1");
            assertThat(conf.get("spark.task.resource.gpu.amount").asText()).isEqualTo("1");
        }
    }

    @Test
    void theCliAcceptsEveryTasksArgumentsWithDryRun() throws Exception {
        Path problems = Files.writeString(dir.resolve("train.jsonl"), "{}\n");
        Path heldOut = Files.writeString(dir.resolve("math500.jsonl"), "{}\n");
        Map<String, String> values =
                Map.of(
                        "run_id", RUN_IDS.get(0),
                        "out", dir.resolve("runs").toString(),
                        "problems", problems.toString(),
                        "eval_problems", heldOut.toString(),
                        "model", "embedded:toy",
                        "ssb_conf", REPO.resolve("conf/ssb-cluster.properties").toString(),
                        "eval_tag", dag.get("params").get("eval_tag").asText());
        for (JsonNode task : dag.get("tasks")) {
            List<String> args = new ArrayList<>();
            for (String arg : args(task)) {
                args.add(render(arg, values));
            }
            args.add("--dry-run");
            CommandLine cli = SsbCommand.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            int code = cli.execute(args.toArray(String[]::new));
            assertThat(code).as("%s: %s", args, err).isZero();
            assertThat(out.toString())
                    .startsWith(
                            "ssb "
                                    + args.get(0)
                                    + " --dry-run: run "
                                    + SANITISED
                                    + " in "
                                    + dir.resolve("runs/" + SANITISED));
        }
        assertThat(dir.resolve("runs")).doesNotExist();
    }

    /** What the DAG's ssb_run_id filter makes of RUN_IDS.get(0). */
    private static final String SANITISED = "manual__2025-01-01T10-00-00.123456-00-00";

    @Test
    void theRunIdIsAirflowsRunIdMadeAValidRunIdSoTwoManualTriggersOnADayDoNotCollide() {
        JsonNode filter = dag.get("filters").get("ssb_run_id");
        assertThat(filter.get(RUN_IDS.get(0)).asText()).isEqualTo(SANITISED);
        List<String> ids = new ArrayList<>();
        for (String airflowRunId : RUN_IDS) {
            String id = filter.get(airflowRunId).asText();
            new dev.ssb.table.RunLayout("/runs", id); // throws "Invalid run_id" when not valid
            ids.add(id);
        }
        assertThat(ids).doesNotHaveDuplicates();
        for (JsonNode task : dag.get("tasks")) {
            assertThat(task.get("name").asText()).endsWith("{{ run_id | ssb_run_id }}");
        }
    }

    @Test
    void theJarIsNamedByTheBuildAndEveryTaskHasATimeout() throws Exception {
        JsonNode build =
                new ObjectMapper().readTree(REPO.resolve("conf/airflow/ssb_build.json").toFile());
        String version = pomVersion();
        assertThat(build.get("version").asText()).isEqualTo(version);
        // the names spark-job/pom.xml's shade execution writes: ssb-${version}-${suffix}.jar
        assertThat(Files.readString(REPO.resolve("spark-job/pom.xml")))
                .contains(
                        "<outputFile>${project.build.directory}/ssb-${project.version}-"
                                + "${ssb.cluster.jar.suffix}.jar</outputFile>")
                .contains("<ssb.cluster.jar.suffix>cluster</ssb.cluster.jar.suffix>")
                .contains("<ssb.cluster.jar.suffix>cluster-gpu</ssb.cluster.jar.suffix>");
        assertThat(build.get("cluster_jar").asText()).isEqualTo("ssb-" + version + "-cluster.jar");
        assertThat(build.get("cluster_gpu_jar").asText())
                .isEqualTo("ssb-" + version + "-cluster-gpu.jar");
        for (JsonNode task : dag.get("tasks")) {
            assertThat(task.get("application").asText())
                    .isEqualTo(
                            "{{ var.value.get('ssb_jar', '/opt/ssb/ssb-"
                                    + version
                                    + "-cluster-gpu.jar') }}");
            assertThat(task.get("execution_timeout").asText()).isEqualTo("12:00:00");
        }
    }

    /** The root pom's own version (the first version after its artifactId). */
    private static String pomVersion() throws Exception {
        Matcher m =
                Pattern.compile("<artifactId>ssb-parent</artifactId>\\s*<version>([^<]+)</version>")
                        .matcher(Files.readString(REPO.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static List<String> args(JsonNode task) {
        List<String> args = new ArrayList<>();
        task.get("application_args").forEach(a -> args.add(a.asText()));
        return args;
    }

    private static String render(String arg, Map<String, String> values) {
        Matcher m = TEMPLATE.matcher(arg);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(2));
            assertThat(value).as("a value for %s", m.group()).isNotNull();
            if (m.group(3) != null) { // a filter of the DAG's, applied by the Python script
                value = dag.get("filters").get(m.group(3)).get(value).asText();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        assertThat(out.toString()).doesNotContain("{{");
        return out.toString();
    }

    /** The parent pom's ssb.module.flags: what Spark 4 needs on Java 17. */
    static List<String> moduleFlags() throws Exception {
        Matcher m =
                Pattern.compile("<ssb.module.flags>(.*?)</ssb.module.flags>", Pattern.DOTALL)
                        .matcher(Files.readString(REPO.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        return List.of(m.group(1).strip().split("\\s+"));
    }
}
