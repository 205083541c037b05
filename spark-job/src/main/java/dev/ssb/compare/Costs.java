package dev.ssb.compare;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The CPU-seconds each step of a compare run took when it ran ({@code compare/costs.json}), so a
 * rerun that finds a step complete still reports what it cost.
 */
final class Costs {

    static final String FILE = "costs.json";
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path path;
    private final Configuration hadoop;
    private final Map<String, Double> seconds;

    private Costs(Path path, Configuration hadoop, Map<String, Double> seconds) {
        this.path = path;
        this.hadoop = hadoop;
        this.seconds = seconds;
    }

    static Costs load(Path path, Configuration hadoop) {
        try {
            FileSystem fs = path.getFileSystem(hadoop);
            if (!fs.exists(path)) {
                return new Costs(path, hadoop, new TreeMap<>());
            }
            try (InputStream in = fs.open(path)) {
                return new Costs(
                        path,
                        hadoop,
                        JSON.readValue(in, new TypeReference<TreeMap<String, Double>>() {}));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    /**
     * The cost of {@code step}: {@code measured} when it ran (recorded), else the recorded one (or
     * {@code measured} when none was recorded).
     */
    double record(String step, double measured, boolean skipped) {
        if (skipped && seconds.containsKey(step)) {
            return seconds.get(step);
        }
        seconds.put(step, measured);
        save();
        return measured;
    }

    OptionalDouble get(String step) {
        Double s = seconds.get(step);
        return s == null ? OptionalDouble.empty() : OptionalDouble.of(s);
    }

    private void save() {
        try (OutputStream out = path.getFileSystem(hadoop).create(path, true)) {
            out.write(JSON.writeValueAsBytes(seconds));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + path, e);
        }
    }
}
