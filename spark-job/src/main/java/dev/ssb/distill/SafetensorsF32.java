package dev.ssb.distill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.worker.api.HostTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Float32 tensors in the safetensors format (8-byte little-endian header length, JSON header, raw
 * little-endian data), so the optimizer state of a checkpoint is readable with {@code
 * safetensors.torch.load_file}. Only F32 is written or accepted.
 */
final class SafetensorsF32 {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsF32() {}

    /** Writes {@code tensors} (sorted by name) with string {@code metadata}. */
    static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
        TreeMap<String, HostTensor> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : sorted.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            ArrayNode shape = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = 4L * e.getValue().size();
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer buf =
                ByteBuffer.allocate(Math.toIntExact(8 + padded + offset))
                        .order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (HostTensor t : sorted.values()) {
            buf.asFloatBuffer().put(t.data());
            buf.position(buf.position() + 4 * t.size());
        }
        try {
            Files.write(file, buf.array());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** What {@link #read} returns. */
    record Contents(Map<String, HostTensor> tensors, Map<String, String> metadata) {}

    /**
     * @throws IllegalArgumentException "Cannot read %s: ..." when the file is not F32 safetensors
     */
    static Contents read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 8) {
            throw new IllegalArgumentException("Cannot read " + file + ": truncated header");
        }
        long headerLen = buf.getLong();
        if (headerLen < 2 || 8 + headerLen > bytes.length) {
            throw new IllegalArgumentException(
                    "Cannot read " + file + ": invalid header length " + headerLen);
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + file + ": invalid header", e);
        }
        int base = 8 + (int) headerLen;
        Map<String, HostTensor> tensors = new TreeMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                e.getValue()
                        .fields()
                        .forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode t = e.getValue();
            if (!"F32".equals(t.path("dtype").asText())) {
                throw new IllegalArgumentException(
                        String.format(
                                "Cannot read %s: tensor %s has dtype %s (must be F32)",
                                file, e.getKey(), t.path("dtype").asText()));
            }
            long[] shape = new long[t.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.path("shape").get(i).asLong();
            }
            long from = t.path("data_offsets").path(0).asLong(-1);
            long to = t.path("data_offsets").path(1).asLong(-1);
            if (from < 0 || to < from || base + to > bytes.length || (to - from) % 4 != 0) {
                throw new IllegalArgumentException(
                        String.format(
                                "Cannot read %s: tensor %s has invalid data_offsets [%s, %s]",
                                file, e.getKey(), from, to));
            }
            float[] data = new float[(int) ((to - from) / 4)];
            ByteBuffer.wrap(bytes, base + (int) from, (int) (to - from))
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(data);
            tensors.put(e.getKey(), new HostTensor(shape, data));
        }
        return new Contents(tensors, metadata);
    }
}
