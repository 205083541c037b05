package dev.ssb.eval;

import static java.util.Objects.requireNonNull;

import dev.ssb.spark.HadoopFiles;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The student's LoRA adapter read once on the driver (from any Hadoop path) and broadcast to the
 * executors in a serializable form, so an executor never needs access to the adapter's directory.
 * Identified by the SHA-256 of its PEFT files, which is recorded with every student row.
 */
final class StudentAdapter implements Serializable {

    private static final long serialVersionUID = 1L;

    static final String CONFIG_FILE = "adapter_config.json";
    static final String WEIGHTS_FILE = "adapter_model.safetensors";

    private final String path;
    private final String sha256;
    private final int rank;
    private final float alpha;
    private final List<String> modules;
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private transient LoraAdapter adapter;

    private StudentAdapter(String path, String sha256, LoraAdapter adapter) {
        this.path = path;
        this.sha256 = sha256;
        this.rank = adapter.config().rank();
        this.alpha = adapter.config().alpha();
        this.modules = new ArrayList<>(adapter.config().targetModules()); // Kryo-friendly
        adapter.tensors()
                .forEach(
                        (name, t) -> {
                            shapes.put(name, t.shape());
                            values.put(name, t.data());
                        });
        this.adapter = adapter;
    }

    /** Whether {@code dir} holds a PEFT adapter (its adapter_config.json). */
    static boolean exists(String dir, Configuration hadoop) {
        Path config = new Path(dir, CONFIG_FILE);
        try {
            return config.getFileSystem(hadoop).exists(config);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + config, e);
        }
    }

    /**
     * Reads a PEFT adapter directory; a remote one (hdfs://, s3a://) is copied to a local temporary
     * directory first.
     *
     * @throws IllegalArgumentException "Cannot load adapter DIR: missing adapter_config.json"
     */
    static StudentAdapter load(String dir, Configuration hadoop) {
        requireNonNull(dir, "dir is null");
        if (!exists(dir, hadoop)) {
            throw new IllegalArgumentException(
                    "Cannot load adapter " + dir + ": missing " + CONFIG_FILE);
        }
        Path root = new Path(dir);
        try {
            FileSystem fs = root.getFileSystem(hadoop);
            Path qualified = fs.makeQualified(root);
            java.nio.file.Path local;
            java.nio.file.Path temporary = null;
            if (fs instanceof LocalFileSystem) {
                local = new File(qualified.toUri()).toPath();
            } else {
                temporary = Files.createTempDirectory("ssb-adapter-");
                local = temporary;
                for (String name : List.of(CONFIG_FILE, WEIGHTS_FILE)) {
                    fs.copyToLocalFile(new Path(qualified, name), new Path(local.toUri()));
                }
            }
            try {
                String hash = sha256(fs, qualified);
                return new StudentAdapter(qualified.toString(), hash, LoraAdapter.load(local));
            } finally {
                if (temporary != null) {
                    HadoopFiles.deleteLocal(temporary);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load adapter " + dir, e);
        }
    }

    private static String sha256(FileSystem fs, Path dir) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        for (String name : List.of(CONFIG_FILE, WEIGHTS_FILE)) {
            sha.update((name + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (InputStream in = fs.open(new Path(dir, name))) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The fully qualified adapter directory. */
    String path() {
        return path;
    }

    /** SHA-256 (hex) of adapter_config.json and adapter_model.safetensors. */
    String sha256() {
        return sha256;
    }

    /** The adapter, rebuilt once per JVM from the broadcast arrays (no copy of the weights). */
    synchronized LoraAdapter adapter() {
        if (adapter == null) {
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            shapes.forEach(
                    (name, shape) -> tensors.put(name, new HostTensor(shape, values.get(name))));
            adapter = new LoraAdapter(new LoraConfig(rank, alpha, modules), tensors);
        }
        return adapter;
    }
}
