package dev.ssb.config;

import dev.ssb.spark.HadoopFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Prompt texts named by {@code prompts.*}: a Hadoop URI ({@code hdfs://}, {@code s3a://}, {@code
 * file://}), a local file (relative paths also tried under {@code -Dssb.home}), else a classpath
 * resource of the same path, so the cluster jar carries them. Read on the driver.
 */
public final class Prompts {

    private Prompts() {}

    public static String read(String location) {
        if (HadoopFiles.isUri(location)) { // file://, hdfs://, s3a://
            try {
                return HadoopFiles.readString(location, HadoopFiles.configuration());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Cannot read prompt " + location + ": no such file", e);
            }
        }
        Path path = Path.of(location);
        String home = System.getProperty("ssb.home");
        for (Path candidate :
                home == null || path.isAbsolute()
                        ? new Path[] {path}
                        : new Path[] {path, Path.of(home).resolve(location)}) {
            if (Files.isRegularFile(candidate)) {
                try {
                    return Files.readString(candidate, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read prompt " + candidate, e);
                }
            }
        }
        String resource = location.startsWith("/") ? location.substring(1) : location;
        try (InputStream in = Prompts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "Cannot read prompt " + location + ": no such file or classpath resource");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read prompt " + location, e);
        }
    }
}
