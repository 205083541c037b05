package dev.ssb.worker.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the real benchmark files of the repository's {@code data/} folder, located by the {@code
 * ssb.data.dir} system property (set by the build and the {@code ssb bench} launcher).
 */
final class Datasets {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Datasets() {}

    static Path dir() {
        String data = System.getProperty("ssb.data.dir");
        if (data == null) {
            throw new IllegalStateException(
                    "System property ssb.data.dir is not set (the repository's data/ folder)");
        }
        return Path.of(data);
    }

    static List<JsonNode> read(String file) {
        List<JsonNode> rows = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir().resolve(file))) {
                if (!line.isBlank()) {
                    rows.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read dataset " + file, e);
        }
        return rows;
    }
}
