package dev.ssb.ingest;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What ingest reads: the container (JSONL or Parquet), the record shape and the split label, each
 * configured or detected on the driver from the input's name and first records.
 */
final class IngestInput {

    private IngestInput() {}

    static String qualified(SparkSession spark, String input) {
        Path p = new Path(input);
        try {
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration())
                    .makeQualified(p)
                    .toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot resolve " + input, e);
        }
    }

    static Dataset<Row> read(SparkSession spark, SsbConfig config, String input) {
        Dataset<Row> lines =
                isParquet(spark, config, input)
                        ? InputLines.parquet(spark, input)
                        : InputLines.jsonl(spark, input);
        int limit = config.intValue(SsbProperties.DATA_LIMIT);
        return limit > 0 ? lines.filter(col("row_index").lt(limit)) : lines;
    }

    static boolean isParquet(SparkSession spark, SsbConfig config, String input) {
        String configured = config.string(SsbProperties.DATA_FILE_FORMAT);
        if (!"auto".equals(configured)) {
            return "parquet".equals(configured);
        }
        if (input.endsWith(".parquet")) {
            return true;
        }
        try {
            Path p = new Path(input);
            var fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return fs.getFileStatus(p).isDirectory()
                    && InputLines.firstFile(fs, p).getName().endsWith(".parquet");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot read problems " + input, e);
        }
    }

    static DatasetFormat format(SparkSession spark, SsbConfig config, String input) {
        Optional<DatasetFormat> configured =
                DatasetFormat.configured(config.string(SsbProperties.DATA_FORMAT));
        if (configured.isPresent()) {
            return configured.get();
        }
        String name = new Path(input).getName();
        if (isParquet(spark, config, input)) {
            return DatasetFormat.detect(
                    List.of(spark.read().parquet(input).schema().fieldNames()), name);
        }
        ObjectMapper json = new ObjectMapper();
        for (String line : InputLines.head(spark.sparkContext().hadoopConfiguration(), input, 50)) {
            try {
                JsonNode node = json.readTree(line);
                if (node != null && node.isObject()) {
                    List<String> fields = new ArrayList<>();
                    node.fieldNames().forEachRemaining(fields::add);
                    return DatasetFormat.detect(fields, name);
                }
            } catch (java.io.IOException malformed) {
                // keep looking: a bad first line must not decide the format
            }
        }
        return DatasetFormat.detect(List.of(), name);
    }

    static String split(SsbConfig config, String input) {
        String configured = config.string(SsbProperties.DATA_SPLIT);
        if (!"auto".equals(configured)) {
            return configured;
        }
        String name = new Path(input).getName().toLowerCase(Locale.ROOT);
        if (name.contains("train")) {
            return "train";
        }
        if (name.contains("test")) {
            return "test";
        }
        if (name.contains("val") || name.contains("dev")) {
            return "validation";
        }
        return "unspecified";
    }

    static void requireExists(SparkSession spark, String input) {
        Path p = new Path(input);
        try {
            if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
                throw new IllegalArgumentException(
                        "Cannot read problems " + input + ": no such file or folder");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot read problems " + input, e);
        }
    }
}
