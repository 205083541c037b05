package dev.ssb.worker.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the real benchmark files under {@code ssb.shared.dir}/datasets. */
final class Datasets {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Datasets() {}

    static Path dir() {
        String shared = System.getProperty("ssb.shared.dir");
        if (shared == null) {
            throw new IllegalStateException("System property ssb.shared.dir is not set");
        }
        return Path.of(shared, "datasets");
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
