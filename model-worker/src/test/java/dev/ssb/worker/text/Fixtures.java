package dev.ssb.worker.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locations of the shared test fixtures. */
final class Fixtures {

    private static HfTokenizer qwen3Tokenizer;

    private Fixtures() {}

    /**
     * One Qwen3 tokenizer shared by all tests of the JVM (loading it takes seconds); never close
     * it.
     */
    static synchronized HfTokenizer qwen3Tokenizer() {
        if (qwen3Tokenizer == null) {
            qwen3Tokenizer = HfTokenizer.fromDirectory(qwen3());
        }
        return qwen3Tokenizer;
    }

    /** The toy byte-level tokenizer folder of the test resources, as a directory. */
    static Path toy() {
        try {
            return Paths.get(
                            Fixtures.class
                                    .getResource("/dev/ssb/worker/text/toy/tokenizer.json")
                                    .toURI())
                    .getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

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
