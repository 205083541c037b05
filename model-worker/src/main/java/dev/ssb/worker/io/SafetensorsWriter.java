package dev.ssb.worker.io;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.HostTensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files as the Python library does: {@code __metadata__ = {"format": "pt"}},
 * tensors in sorted name order back to back, header padded with spaces to 8 bytes. Values are
 * narrowed from float32 with round-to-nearest-even; tensors are streamed one at a time, so a {@link
 * TensorSource} larger than the heap can be written.
 */
public final class SafetensorsWriter {

    /** Floats converted per write call. */
    private static final int CHUNK = 1 << 16;

    private SafetensorsWriter() {}

    /** Writes tensors held in memory. */
    public static void write(Path file, Map<String, HostTensor> tensors, Dtype dtype) {
        write(file, TensorSources.of(tensors), dtype);
    }

    /** Writes every tensor of {@code source} (atomically: a temp file renamed at the end). */
    public static void write(Path file, TensorSource source, Dtype dtype) {
        write(file, source, source.names(), dtype);
    }

    /** Writes the named tensors of {@code source}. */
    public static void write(
            Path file, TensorSource source, Collection<String> names, Dtype dtype) {
        requireNonNull(file, "file is null");
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch =
                FileChannel.open(
                        tmp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            writeTo(ch, source, names, dtype);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        try {
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** The bytes of a safetensors file holding {@code tensors}. */
    public static byte[] toBytes(Map<String, HostTensor> tensors, Dtype dtype) {
        TensorSource source = TensorSources.of(tensors);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(Channels.newChannel(out), source, source.names(), dtype);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Data bytes (without header) the named tensors take in {@code dtype}. */
    static long dataBytes(TensorSource source, Collection<String> names, Dtype dtype) {
        long n = 0;
        for (String name : names) {
            n += SafetensorsHeader.numel(source.shape(name)) * dtype.bytes();
        }
        return n;
    }

    private static void writeTo(
            WritableByteChannel ch, TensorSource source, Collection<String> names, Dtype dtype)
            throws IOException {
        requireNonNull(dtype, "dtype is null");
        Map<String, long[]> shapes = new TreeMap<>();
        for (String name : names) {
            shapes.put(name, source.shape(name));
        }
        byte[] header =
                SafetensorsHeader.build(shapes, dtype, new LinkedHashMap<>(Map.of("format", "pt")));
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(header.length).flip();
        writeFully(ch, prefix);
        writeFully(ch, ByteBuffer.wrap(header));
        ByteBuffer chunk =
                ByteBuffer.allocateDirect(CHUNK * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            ByteBuffer values = source.readFloat32(e.getKey()).order(ByteOrder.LITTLE_ENDIAN);
            long numel = SafetensorsHeader.numel(e.getValue());
            if (values.remaining() != numel * 4) {
                throw new IllegalStateException(
                        "Tensor "
                                + e.getKey()
                                + " has "
                                + values.remaining()
                                + " bytes, shape needs "
                                + numel * 4);
            }
            if (dtype == Dtype.F32) {
                writeFully(ch, values.duplicate());
                continue;
            }
            FloatBuffer floats = values.asFloatBuffer();
            while (floats.hasRemaining()) {
                chunk.clear();
                int n = Math.min(CHUNK, floats.remaining());
                for (int i = 0; i < n; i++) {
                    float f = floats.get();
                    chunk.putShort(
                            dtype == Dtype.BF16
                                    ? HalfFloats.floatToBf16(f)
                                    : HalfFloats.floatToHalf(f));
                }
                chunk.flip();
                writeFully(ch, chunk);
            }
        }
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
