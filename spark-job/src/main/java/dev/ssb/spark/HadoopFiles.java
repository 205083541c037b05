package dev.ssb.spark;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * Files and folders named by Hadoop URIs ({@code file://}, {@code hdfs://}, {@code s3a://}) for
 * code that runs the model runtime or plain Java I/O, which read only local files: the Hadoop
 * configuration of this JVM, a local view of a remote folder, the upload of a folder written
 * locally, and a small text file read whole.
 */
public final class HadoopFiles {
    private HadoopFiles() {}

    /**
     * This JVM's Hadoop configuration with the application's {@code spark.hadoop.*} settings: the
     * running SparkContext's (driver or executor), else the ones spark-submit passes as system
     * properties (commands that run without Spark, {@code --dry-run}).
     */
    public static Configuration configuration() {
        SparkEnv env = SparkEnv.get();
        return SparkHadoopUtil.get().newConfiguration(env != null ? env.conf() : new SparkConf());
    }

    /**
     * Whether {@code location} is a hierarchical URI ({@code scheme:/...}, e.g. {@code
     * hdfs://nn/m}, {@code file:///m}), read through Hadoop; a plain path is a local file, and
     * names like {@code embedded:toy} are neither.
     */
    public static boolean isUri(String location) {
        try {
            URI uri = new URI(location);
            return uri.getScheme() != null
                    && uri.getScheme().length() > 1 // not a Windows drive letter
                    && !uri.isOpaque(); // scheme:/path or scheme://authority/path
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** The text of a small file, e.g. a prompt. */
    public static String readString(String location, Configuration conf) {
        Path path = new Path(location);
        try (InputStream in = path.getFileSystem(conf).open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("Cannot read " + location + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + location, e);
        }
    }

    /** Whether {@code location} exists, through Hadoop. */
    public static boolean exists(String location, Configuration conf) {
        Path path = new Path(location);
        try {
            return path.getFileSystem(conf).exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot check " + location, e);
        }
    }

    /**
     * A local folder with the files of {@code dir}: the folder itself when it is on the local file
     * system, else a temporary copy (the caller deletes it with {@link #deleteLocal} of its parent
     * when {@link #isCopy}).
     *
     * @throws IllegalArgumentException "Cannot read DIR: not a directory"
     */
    public static java.nio.file.Path local(String dir, Configuration conf) {
        Path path = new Path(dir);
        try {
            FileSystem fs = path.getFileSystem(conf);
            Path qualified = fs.makeQualified(path);
            if (!fs.getFileStatus(qualified).isDirectory()) {
                throw new IllegalArgumentException("Cannot read " + dir + ": not a directory");
            }
            if (fs instanceof LocalFileSystem) {
                return new File(qualified.toUri()).toPath();
            }
            java.nio.file.Path tmp = Files.createTempDirectory("ssb-copy-");
            fs.copyToLocalFile(false, qualified, new Path(tmp.toUri()), true);
            return tmp.resolve(qualified.getName());
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("Cannot read " + dir + ": no such directory", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + dir, e);
        }
    }

    /** Whether {@code local} is a temporary copy made by {@link #local} for {@code dir}. */
    public static boolean isCopy(String dir, java.nio.file.Path local) {
        return !local.toAbsolutePath()
                .normalize()
                .equals(
                        java.nio.file.Path.of(new Path(dir).toUri().getPath())
                                .toAbsolutePath()
                                .normalize());
    }

    /**
     * Copies the local folder {@code from} to {@code to} (a Hadoop path that must not exist yet):
     * to {@code to}'s name with a temporary suffix first, then renamed, so {@code to} only ever
     * appears complete.
     */
    public static void upload(java.nio.file.Path from, String to, Configuration conf) {
        Path target = new Path(to);
        try {
            FileSystem fs = target.getFileSystem(conf);
            if (fs.exists(target)) {
                throw new IllegalArgumentException(
                        "Cannot write " + to + ": it already exists (choose a new --out)");
            }
            Path tmp = new Path(target.getParent(), "._tmp-" + target.getName());
            fs.delete(tmp, true);
            fs.mkdirs(tmp);
            try (Stream<java.nio.file.Path> files = Files.list(from)) {
                for (java.nio.file.Path f : files.sorted().toList()) {
                    fs.copyFromLocalFile(
                            false,
                            true,
                            new Path(f.toUri()),
                            new Path(tmp, f.getFileName().toString()));
                }
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename of " + tmp + " to " + target + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + to, e);
        }
    }

    /** Deletes a Hadoop folder and everything in it; absent is fine. */
    public static void delete(String dir, Configuration conf) {
        Path path = new Path(dir);
        try {
            path.getFileSystem(conf).delete(path, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }

    /** Deletes a local folder and everything in it. */
    public static void deleteLocal(java.nio.file.Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<java.nio.file.Path> files = Files.walk(dir)) {
            for (java.nio.file.Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }
}
