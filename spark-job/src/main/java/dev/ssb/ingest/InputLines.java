package dev.ssb.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Reads input records with their 1-based line numbers, on the executors: JSONL through Hadoop's
 * {@link TextInputFormat} (one pass counts the lines of each split, the driver turns the counts
 * into each split's first line number, a second pass numbers the lines), Parquet rows as JSON
 * numbered in scan order. Nothing but per-split counts reaches the driver.
 */
final class InputLines {

    /**
     * {@code file}, {@code line} (1-based within the file), {@code row_index} (0-based overall),
     * {@code raw}.
     */
    static final StructType SCHEMA =
            new StructType()
                    .add("file", DataTypes.StringType, false)
                    .add("line", DataTypes.LongType, false)
                    .add("row_index", DataTypes.LongType, false)
                    .add("raw", DataTypes.StringType, false);

    private InputLines() {}

    /** A split's place: which file, where in it, and how many lines start in it. */
    record SplitCount(int partition, String file, long start, long lines)
            implements java.io.Serializable {}

    static Dataset<Row> jsonl(SparkSession spark, String path) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = new Configuration(jsc.hadoopConfiguration());
        conf.setBoolean("mapreduce.input.fileinputformat.input.dir.recursive", true);
        @SuppressWarnings("unchecked")
        JavaNewHadoopRDD<LongWritable, Text> rdd =
                (JavaNewHadoopRDD<LongWritable, Text>)
                        jsc.newAPIHadoopFile(
                                path, TextInputFormat.class, LongWritable.class, Text.class, conf);

        List<SplitCount> counts =
                rdd.mapPartitionsWithInputSplit(
                                (split, it) -> {
                                    FileSplit fs = (FileSplit) split;
                                    long n = 0;
                                    for (; it.hasNext(); it.next()) {
                                        n++;
                                    }
                                    return List.of(
                                                    new SplitCount(
                                                            TaskContext.getPartitionId(),
                                                            fs.getPath().toString(),
                                                            fs.getStart(),
                                                            n))
                                            .iterator();
                                },
                                false)
                        .collect();
        long[][] firsts = firstLines(counts);
        Broadcast<long[][]> first = jsc.broadcast(firsts);
        JavaRDD<Row> rows =
                rdd.mapPartitionsWithInputSplit(
                        (split, it) -> numbered(split, it, first.value()), false);
        return spark.createDataFrame(rows, SCHEMA);
    }

    /** Per partition: {first line in its file, first row index overall}; files in path order. */
    static long[][] firstLines(List<SplitCount> counts) {
        List<SplitCount> sorted = new ArrayList<>(counts);
        sorted.sort(Comparator.comparing(SplitCount::file).thenComparingLong(SplitCount::start));
        int partitions = counts.stream().mapToInt(SplitCount::partition).max().orElse(-1) + 1;
        long[][] firsts = new long[partitions][2];
        Map<String, Long> nextLine = new HashMap<>();
        long rowIndex = 0;
        for (SplitCount c : sorted) {
            long line = nextLine.getOrDefault(c.file(), 1L);
            firsts[c.partition()][0] = line;
            firsts[c.partition()][1] = rowIndex;
            nextLine.put(c.file(), line + c.lines());
            rowIndex += c.lines();
        }
        return firsts;
    }

    private static Iterator<Row> numbered(
            org.apache.hadoop.mapreduce.InputSplit split,
            Iterator<Tuple2<LongWritable, Text>> it,
            long[][] firsts) {
        String file = ((FileSplit) split).getPath().toString();
        long[] first = firsts[TaskContext.getPartitionId()];
        return new Iterator<>() {
            long i = 0;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Row next() {
                String raw = it.next()._2().toString(); // Hadoop reuses the Text: copy now
                Row row = RowFactory.create(file, first[0] + i, first[1] + i, raw);
                i++;
                return row;
            }
        };
    }

    static Dataset<Row> parquet(SparkSession spark, String path) {
        JavaRDD<Row> rows =
                spark.read()
                        .parquet(path)
                        .toJSON()
                        .javaRDD()
                        .zipWithIndex()
                        .map(t -> RowFactory.create(path, t._2() + 1, t._2(), t._1()));
        return spark.createDataFrame(rows, SCHEMA);
    }

    /** Up to {@code max} lines of the first file under {@code path} (for format detection). */
    static List<String> head(Configuration conf, String path, int max) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            Path file = firstFile(fs, p);
            List<String> lines = new ArrayList<>();
            try (BufferedReader r =
                    new BufferedReader(
                            new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
                String line;
                while (lines.size() < max && (line = r.readLine()) != null) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    static Path firstFile(FileSystem fs, Path p) throws IOException {
        if (!fs.exists(p)) {
            throw new IllegalArgumentException("Cannot read problems " + p + ": no such file");
        }
        FileStatus status = fs.getFileStatus(p);
        if (status.isFile()) {
            return p;
        }
        return java.util.Arrays.stream(fs.listStatus(p))
                .filter(FileStatus::isFile)
                .map(FileStatus::getPath)
                .filter(f -> !f.getName().startsWith("_") && !f.getName().startsWith("."))
                .min(Comparator.comparing(Path::getName))
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "Cannot read problems " + p + ": no files"));
    }
}
