package dev.ssb.testing;

import dev.ssb.config.SsbConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** A configuration as the properties file a submitted {@code ssb … --conf FILE} reads. */
public final class ConfFile {

    private ConfFile() {}

    /** Writes every key of {@code config} (defaults included) to {@code file}; returns it. */
    public static Path write(SsbConfig config, Path file) {
        try {
            return Files.writeString(
                    file,
                    config.values().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("\n")));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
