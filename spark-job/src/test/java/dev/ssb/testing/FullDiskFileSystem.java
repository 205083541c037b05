package dev.ssb.testing;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system with a disk that is full for table manifests: a test installs it as {@code
 * fs.file.impl} (a {@code core-site.xml} on a child JVM's classpath) to reproduce what a full disk
 * does to a stage. Every file named {@code _ssb_manifest*} is written to {@code /dev/full}, so
 * Hadoop's own local stream fails as it does on a full disk: it raises {@code
 * org.apache.hadoop.fs.FSError} (an {@link Error}) wrapping "No space left on device". Other files
 * are written normally. Before the failing stream is returned, one line {@value #MARKER}{@code
 * <epoch millis>} goes to stderr, so a test knows when the failure happened.
 */
public final class FullDiskFileSystem extends LocalFileSystem {

    /** The start of the stderr line that says when a manifest write was sent to the full disk. */
    public static final String MARKER = "FullDiskFileSystem: manifest write fails at ";

    @Override
    public FSDataOutputStream create(
            Path f,
            FsPermission permission,
            boolean overwrite,
            int bufferSize,
            short replication,
            long blockSize,
            Progressable progress)
            throws IOException {
        if (!f.getName().startsWith("_ssb_manifest")) {
            return super.create(
                    f, permission, overwrite, bufferSize, replication, blockSize, progress);
        }
        System.err.println(MARKER + System.currentTimeMillis());
        System.err.flush();
        return getRawFileSystem().append(new Path("/dev/full"), bufferSize, progress);
    }
}
