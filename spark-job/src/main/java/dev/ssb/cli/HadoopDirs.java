package dev.ssb.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * Folders named by Hadoop paths (local, hdfs://, s3a://) for the commands that run without Spark: a
 * local view of a remote folder, and the upload of a folder written locally.
 */
final class HadoopDirs {
    private HadoopDirs() {}

    /** The spark.hadoop.* settings spark-submit passes, without starting Spark. */
    static Configuration configuration() {
        Configuration conf = new Configuration();
        for (Tuple2<String, String> e : new SparkConf().getAllWithPrefix("spark.hadoop.")) {
            conf.set(e._1(), e._2());
        }
        return conf;
    }

    /**
     * A local folder with the files of {@code dir}: the folder itself when it is on the local file
     * system, else a temporary copy (the caller deletes it with {@link #deleteLocal}).
     *
     * @throws IllegalArgumentException "Cannot read DIR: not a directory"
     */
    static java.nio.file.Path local(String dir, Configuration conf) {
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
    static boolean isCopy(String dir, java.nio.file.Path local) {
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
    static void upload(java.nio.file.Path from, String to, Configuration conf) {
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

    /** Deletes a local folder and everything in it. */
    static void deleteLocal(java.nio.file.Path dir) {
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
