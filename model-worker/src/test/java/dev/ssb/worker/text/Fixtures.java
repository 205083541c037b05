package dev.ssb.worker.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locations of the shared test fixtures. */
final class Fixtures {

    private Fixtures() {}

    /** The real Qwen3 tokenizer files (tokenizer.json, tokenizer_config.json). */
    static Path qwen3() {
        String shared = System.getProperty("ssb.shared.dir");
        if (shared == null) {
            throw new IllegalStateException("System property ssb.shared.dir is not set");
        }
        Path dir = Paths.get(shared, "fixtures", "qwen3-tokenizer");
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new IllegalStateException("Missing fixture " + dir);
        }
        return dir;
    }
}
