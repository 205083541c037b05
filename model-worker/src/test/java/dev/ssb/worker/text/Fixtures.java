package dev.ssb.worker.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locations of the test fixtures in this module's test resources. */
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

    /**
     * The real Qwen3 tokenizer files (tokenizer.json, tokenizer_config.json) of the test resources
     * (see the README beside them), as a directory.
     */
    static Path qwen3() {
        var url = Fixtures.class.getResource("/dev/ssb/worker/text/qwen3-tokenizer/tokenizer.json");
        if (url == null) {
            throw new IllegalStateException(
                    "Missing test resource dev/ssb/worker/text/qwen3-tokenizer/tokenizer.json");
        }
        try {
            Path dir = Paths.get(url.toURI()).getParent();
            if (!Files.isRegularFile(dir.resolve("tokenizer_config.json"))) {
                throw new IllegalStateException(
                        "Missing fixture file tokenizer_config.json in " + dir);
            }
            return dir;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
