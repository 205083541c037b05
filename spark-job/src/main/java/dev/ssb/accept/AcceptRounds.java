package dev.ssb.accept;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.curate.CurateSettings;
import dev.ssb.curate.CurateStage;
import dev.ssb.ingest.IngestStage;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.spark.Partitions;
import dev.ssb.stage.SampleSettings;
import dev.ssb.stage.StageRun;
import dev.ssb.table.Manifest;
import dev.ssb.table.StageOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code data.accept_target = N}: the rollout stage draws the problems in a seeded order ({@link
 * AcceptOrder}), round by round; each round rolls out its problems and curates them (hinted teacher
 * included) until N are accepted or the problems end. It commits the rollouts of the selection (the
 * shortest prefix of the order holding N accepted problems) and keeps the selection's teacher
 * contexts in {@code <run>/accept/}, which the curate stage then commits without asking the teacher
 * again. Both manifests say the target, how many were accepted and whether the data ended first.
 */
public final class AcceptRounds {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptRounds.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The work folder inside the run: each round's tables, then the selection's contexts. */
    public static final String WORK_DIR = "accept";

    static final String CONTEXTS = "teacher_contexts";
    static final String SELECTION = "selection.json";

    private AcceptRounds() {}

    /** N, or 0 when every problem is rolled out. */
    public static int target(SsbConfig config) {
        return config.intValue(SsbProperties.DATA_ACCEPT_TARGET);
    }

    /** Whether the run draws problems until a target is accepted. */
    public static boolean enabled(SsbConfig config) {
        return target(config) > 0;
    }

    /**
     * The rollout stage's hash with a target: the selection depends on the teacher's keys too, so
     * the keys of curate.
     */
    public static String rolloutHash(SsbConfig config) {
        return config.hash(CurateStage.CONFIG_PREFIXES);
    }

    /** The rollout stage's body with a target (declared in {@code dev.ssb.pipeline.Stages}). */
    public static StageOutput.Result rollouts(StageRun run, StageOutput out) {
        SsbConfig config = run.config();
        SparkSession spark = run.spark();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        int target = target(config);
        int partitions = config.intValue(SsbProperties.DATA_PARTITIONS);
        Dataset<Row> problems =
                run.read(IngestStage.PROBLEMS).select("problem_id", "question", "gold_answer");
        List<String> order =
                AcceptOrder.order(
                        problems.select("problem_id").as(Encoders.STRING()).collectAsList(),
                        config.seed());
        Path work = workDir(run);
        delete(work, hadoop); // a previous attempt's rounds
        SampleSettings rolloutSettings = SampleSettings.rollout(config);
        CurateSettings curateSettings = CurateSettings.from(config);
        List<String> roundDirs = new ArrayList<>();
        int processed = 0;
        int accepted = 0;
        int selected = -1;
        while (selected < 0 && processed < order.size()) {
            int size = AcceptOrder.roundSize(target, accepted, processed, order.size());
            List<String> round = order.subList(processed, processed + size);
            Path dir = new Path(work, "round-" + (roundDirs.size() + 1));
            roundDirs.add(dir.toString());
            Dataset<Row> roundProblems =
                    Partitions.byProblem(
                            problems.join(ids(spark, round), "problem_id"), partitions);
            RolloutStage.transform(roundProblems, rolloutSettings)
                    .write()
                    .parquet(new Path(dir, RolloutStage.ROLLOUTS).toString());
            CurateStage.transform(
                            roundProblems,
                            spark.read().parquet(new Path(dir, RolloutStage.ROLLOUTS).toString()),
                            curateSettings)
                    .write()
                    .parquet(new Path(dir, CONTEXTS).toString());
            Map<String, Boolean> flags = new HashMap<>();
            for (Row r :
                    spark.read()
                            .parquet(new Path(dir, CONTEXTS).toString())
                            .select("problem_id", "accepted")
                            .collectAsList()) {
                flags.put(r.getString(0), r.getBoolean(1));
            }
            int cut = AcceptOrder.cut(round, flags, accepted, target);
            if (cut >= 0) {
                selected = processed + cut;
                accepted = target;
            } else {
                accepted += (int) round.stream().filter(flags::get).count();
            }
            processed += size;
            LOG.info(
                    "accept_target {}: round {} drew {} problems, {} accepted of {} drawn",
                    target,
                    roundDirs.size(),
                    size,
                    accepted,
                    processed);
        }
        boolean dataEnded = selected < 0;
        if (dataEnded) {
            selected = processed;
        }
        Dataset<Row> selection = ids(spark, order.subList(0, selected));
        Map<String, Long> extra = new LinkedHashMap<>();
        extra.put("accept_target", (long) target);
        extra.put("accepted", (long) accepted);
        extra.put("problems_drawn", (long) processed);
        extra.put("problems_available", (long) order.size());
        extra.put("rounds", (long) roundDirs.size());
        extra.put("data_ended", dataEnded ? 1L : 0L);
        Dataset<Row> contexts =
                roundDirs.isEmpty() // no problems at all: empty tables
                        ? spark.createDataFrame(List.of(), CurateStage.TEACHER_CONTEXTS_SCHEMA)
                        : readAll(spark, roundDirs, CONTEXTS, selection);
        contexts.write().parquet(new Path(work, CONTEXTS).toString());
        Dataset<Row> rollouts =
                roundDirs.isEmpty()
                        ? spark.createDataFrame(List.of(), RolloutStage.ROLLOUTS_SCHEMA)
                        : readAll(spark, roundDirs, RolloutStage.ROLLOUTS, selection);
        StageOutput.Result result =
                run.writeTable(out, RolloutStage.ROLLOUTS, rollouts, RolloutStage::counts, extra);
        writeSelection(hadoop, work, rolloutHash(config), extra);
        for (String dir : roundDirs) {
            delete(new Path(dir), hadoop);
        }
        return result;
    }

    /**
     * The curate stage's body with a target: the teacher contexts the rollout stage kept when they
     * belong to the committed rollouts and settings, else the problems of the rollouts curated
     * again.
     */
    public static StageOutput.Result contexts(StageRun run, StageOutput out) {
        SsbConfig config = run.config();
        SparkSession spark = run.spark();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path work = workDir(run);
        String hash = rolloutHash(config);
        Optional<JsonNode> selection = readSelection(hadoop, work);
        boolean reuse =
                selection.isPresent()
                        && hash.equals(selection.get().path("stage_config_hash").asText())
                        && run.layout()
                                .manifest(RolloutStage.ROLLOUTS, hadoop)
                                .map(Manifest::stageConfigHash)
                                .filter(hash::equals)
                                .isPresent()
                        && exists(hadoop, new Path(work, CONTEXTS));
        Dataset<Row> rollouts = run.read(RolloutStage.ROLLOUTS);
        Dataset<Row> contexts;
        if (reuse) {
            contexts = spark.read().parquet(new Path(work, CONTEXTS).toString());
        } else {
            LOG.info("accept_target: no kept teacher contexts for these rollouts; curating again");
            Dataset<Row> problems =
                    selected(
                            run.readByProblem(IngestStage.PROBLEMS),
                            rollouts.select("problem_id").distinct());
            contexts = CurateStage.transform(problems, rollouts, CurateSettings.from(config));
        }
        Map<String, Long> extra = new LinkedHashMap<>();
        extra.put("accept_target", (long) target(config));
        selection
                .filter(s -> reuse)
                .ifPresent(s -> extra.put("data_ended", s.path("data_ended").asLong()));
        return run.writeTable(
                out, CurateStage.TEACHER_CONTEXTS, contexts, CurateStage::counts, extra);
    }

    private static Path workDir(StageRun run) {
        return run.layout().tablePath(WORK_DIR);
    }

    private static Dataset<Row> ids(SparkSession spark, List<String> ids) {
        return spark.createDataset(ids, Encoders.STRING()).toDF("problem_id");
    }

    /** The rows of {@code table} over every round, of the selected problems only. */
    private static Dataset<Row> readAll(
            SparkSession spark, List<String> roundDirs, String table, Dataset<Row> selection) {
        String[] paths =
                roundDirs.stream().map(d -> new Path(d, table).toString()).toArray(String[]::new);
        return selected(spark.read().parquet(paths), selection);
    }

    /** The rows of {@code rows} whose problem_id is in {@code ids}, columns unchanged. */
    private static Dataset<Row> selected(Dataset<Row> rows, Dataset<Row> ids) {
        return rows.join(ids, rows.col("problem_id").equalTo(ids.col("problem_id")), "left_semi");
    }

    private static void writeSelection(
            Configuration hadoop, Path work, String hash, Map<String, Long> counts) {
        ObjectNode node = JSON.createObjectNode();
        node.put("stage_config_hash", hash);
        counts.forEach(node::put);
        Path file = new Path(work, SELECTION);
        try (OutputStream o = file.getFileSystem(hadoop).create(file, true)) {
            o.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private static Optional<JsonNode> readSelection(Configuration hadoop, Path work) {
        Path file = new Path(work, SELECTION);
        if (!exists(hadoop, file)) {
            return Optional.empty();
        }
        try (InputStream in = file.getFileSystem(hadoop).open(file)) {
            return Optional.of(JSON.readTree(in));
        } catch (IOException e) {
            LOG.warn("Cannot read {} ({}); curating again", file, e.toString());
            return Optional.empty();
        }
    }

    private static boolean exists(Configuration hadoop, Path path) {
        try {
            return path.getFileSystem(hadoop).exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot check " + path, e);
        }
    }

    private static void delete(Path path, Configuration hadoop) {
        try {
            FileSystem fs = path.getFileSystem(hadoop);
            if (fs.exists(path)) {
                fs.delete(path, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + path, e);
        }
    }
}
