package dev.ssb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where spark-job's build put what a cluster needs: the SPARK_HOME made of Spark's jars and the
 * application's classpath (both written by maven-dependency-plugin in {@code
 * generate-test-resources}, see spark-job/pom.xml). Located from this class's own output directory,
 * so it works the same from Maven and from an IDE after one Maven build.
 */
public final class TestBuild {

    private TestBuild() {}

    /** spark-job's {@code target} directory. */
    public static Path targetDir() {
        try {
            Path testClasses =
                    Path.of(
                            TestBuild.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            return testClasses.getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate spark-job's target directory", e);
        }
    }

    /** A SPARK_HOME whose {@code jars/} holds Spark's (provided-scope) jars. */
    public static Path sparkHome() {
        Path home = targetDir().resolve("spark-home");
        Path jars = home.resolve("jars");
        try (var files = Files.list(jars)) {
            if (files.noneMatch(p -> p.getFileName().toString().startsWith("spark-core_"))) {
                throw new IllegalStateException(
                        "Cannot use SPARK_HOME " + home + ": no spark-core jar in " + jars);
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot use SPARK_HOME "
                            + home
                            + ": "
                            + jars
                            + " is missing (run mvn generate-test-resources on spark-job)",
                    e);
        }
        return home;
    }

    /**
     * The application's runtime dependency jars (compile and runtime scope, without Spark's
     * provided jars); model-worker appears as its {@code target/classes} in a reactor build.
     */
    public static List<Path> runtimeDependencies() {
        Path file = targetDir().resolve("app-classpath.txt");
        try {
            String text = Files.readString(file).strip();
            List<Path> entries = new ArrayList<>();
            if (!text.isEmpty()) {
                Arrays.stream(text.split(java.io.File.pathSeparator))
                        .map(Path::of)
                        .forEach(entries::add);
            }
            return List.copyOf(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the application classpath " + file, e);
        }
    }

    /**
     * Everything a submitted job of this module runs on: test classes (the probe jobs), main
     * classes and the runtime dependencies.
     */
    public static List<Path> appClasspath() {
        List<Path> entries = new ArrayList<>();
        entries.add(targetDir().resolve("test-classes"));
        entries.add(targetDir().resolve("classes"));
        entries.addAll(runtimeDependencies());
        return List.copyOf(entries);
    }
}
