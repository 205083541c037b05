package dev.ssb.worker.io;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One safetensors file, memory-mapped. F32 tensors are handed out as read-only views of the mapping
 * (no copy); F16 and BF16 tensors are widened to float32 in Java. Each tensor is mapped on its own,
 * so files above 2 GB (real shards are ~4 GB) work; a single tensor must stay below 2 GB. Safe for
 * concurrent reads.
 */
public final class SafetensorsFile implements TensorSource {

    private final String location;
    private final FileChannel channel; // null when the bytes are in memory
    private final ByteBuffer bytes; // null when memory-mapped
    private final long dataStart;
    private final Map<String, SafetensorsHeader.Entry> entries;
    private final Map<String, String> metadata;
    private volatile boolean closed;

    private SafetensorsFile(
            String location,
            FileChannel channel,
            ByteBuffer bytes,
            long dataStart,
            Map<String, SafetensorsHeader.Entry> entries,
            Map<String, String> metadata) {
        this.location = location;
        this.channel = channel;
        this.bytes = bytes;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Opens and memory-maps a safetensors file, validating its header against the file size.
     *
     * @throws IllegalArgumentException naming the file when it is missing or malformed
     */
    public static SafetensorsFile open(Path file) {
        requireNonNull(file, "file is null");
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + file + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open " + file, e);
        }
        try {
            long size = ch.size();
            ByteBuffer prefix = readFully(ch, 0, 8, file.toString(), size);
            long headerLen = prefix.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            checkHeaderLength(headerLen, size, file.toString());
            byte[] header = new byte[(int) headerLen];
            readFully(ch, 8, (int) headerLen, file.toString(), size).get(header);
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, SafetensorsHeader.Entry> entries =
                    SafetensorsHeader.parse(header, size - 8 - headerLen, file.toString(), meta);
            return new SafetensorsFile(file.toString(), ch, null, 8 + headerLen, entries, meta);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("Cannot read " + file, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /**
     * Reads a safetensors file held in memory (e.g. a classpath resource). F32 views share {@code
     * content}'s memory; the caller must not modify it afterwards.
     *
     * @param location names the content in error messages
     */
    public static SafetensorsFile fromBytes(ByteBuffer content, String location) {
        requireNonNull(content, "content is null");
        requireNonNull(location, "location is null");
        ByteBuffer buf = content.slice().order(ByteOrder.LITTLE_ENDIAN);
        long size = buf.remaining();
        if (size < 8) {
            throw SafetensorsHeader.bad(location, "file of " + size + " bytes has no header");
        }
        long headerLen = buf.getLong(0);
        checkHeaderLength(headerLen, size, location);
        byte[] header = new byte[(int) headerLen];
        buf.get(8, header);
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, SafetensorsHeader.Entry> entries =
                SafetensorsHeader.parse(header, size - 8 - headerLen, location, meta);
        return new SafetensorsFile(location, null, buf, 8 + headerLen, entries, meta);
    }

    @Override
    public Set<String> names() {
        return entries.keySet();
    }

    @Override
    public long[] shape(String name) {
        return entry(name).shape().clone();
    }

    /**
     * The stored dtype of a tensor.
     *
     * @throws IllegalArgumentException when the tensor is absent or its dtype is not F32/F16/BF16
     */
    public Dtype dtype(String name) {
        SafetensorsHeader.Entry e = entry(name);
        if (e.dtype() == null) {
            throw SafetensorsHeader.bad(
                    location,
                    "tensor "
                            + name
                            + " has unsupported dtype "
                            + e.dtypeName()
                            + " (supported: F32, F16, BF16)");
        }
        return e.dtype();
    }

    /** The header's {@code __metadata__} (e.g. {@code {"format": "pt"}}). */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public ByteBuffer readFloat32(String name) {
        Dtype dtype = dtype(name);
        SafetensorsHeader.Entry e = entry(name);
        ByteBuffer raw = region(e);
        if (dtype == Dtype.F32) {
            return raw;
        }
        int n = Math.toIntExact(e.numel());
        ByteBuffer out = ByteBuffer.allocateDirect(Math.multiplyExact(n, 4));
        out.order(ByteOrder.LITTLE_ENDIAN);
        ShortBuffer src = raw.asShortBuffer();
        FloatBuffer dst = out.asFloatBuffer();
        if (dtype == Dtype.BF16) {
            for (int i = 0; i < n; i++) {
                dst.put(i, HalfFloats.bf16ToFloat(src.get(i)));
            }
        } else {
            for (int i = 0; i < n; i++) {
                dst.put(i, HalfFloats.halfToFloat(src.get(i)));
            }
        }
        return out;
    }

    /** The tensor's stored bytes: read-only, little-endian, position 0. */
    private ByteBuffer region(SafetensorsHeader.Entry e) {
        if (closed) {
            throw new IllegalStateException("Cannot read " + location + ": closed");
        }
        long len = e.end() - e.begin();
        if (len > Integer.MAX_VALUE) {
            throw SafetensorsHeader.bad(
                    location, "tensor " + e.name() + " is above 2 GB (" + len + " bytes)");
        }
        ByteBuffer region;
        if (channel != null) {
            try {
                region = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), len);
            } catch (IOException ex) {
                throw new UncheckedIOException("Cannot map " + e.name() + " in " + location, ex);
            }
        } else {
            region = bytes.slice((int) (dataStart + e.begin()), (int) len).asReadOnlyBuffer();
        }
        return region.order(ByteOrder.LITTLE_ENDIAN);
    }

    private SafetensorsHeader.Entry entry(String name) {
        SafetensorsHeader.Entry e = entries.get(name);
        if (e == null) {
            throw SafetensorsHeader.bad(location, "missing tensor " + name);
        }
        return e;
    }

    @Override
    public void close() {
        closed = true;
        if (channel != null) {
            // mapped regions handed out stay valid after the channel closes
            closeQuietly(channel);
        }
    }

    @Override
    public String toString() {
        return location;
    }

    private static void checkHeaderLength(long headerLen, long size, String location) {
        if (headerLen < 2
                || headerLen > SafetensorsHeader.MAX_HEADER_BYTES
                || headerLen > size - 8) {
            throw SafetensorsHeader.bad(
                    location,
                    "invalid safetensors header length "
                            + headerLen
                            + " for a file of "
                            + size
                            + " bytes");
        }
    }

    private static ByteBuffer readFully(
            FileChannel ch, long pos, int len, String location, long size) throws IOException {
        if (pos + len > size) {
            throw SafetensorsHeader.bad(location, "file of " + size + " bytes has no header");
        }
        ByteBuffer buf = ByteBuffer.allocate(len);
        while (buf.hasRemaining()) {
            if (ch.read(buf, pos + buf.position()) < 0) {
                throw SafetensorsHeader.bad(location, "unexpected end of file");
            }
        }
        return buf.flip();
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was written: a failed close loses nothing
        }
    }
}
