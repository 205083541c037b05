package dev.ssb.worker.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON header of a safetensors file: {@code {"__metadata__": {...}, name: {"dtype", "shape",
 * "data_offsets": [begin, end]}}}, offsets relative to the end of the header.
 */
final class SafetensorsHeader {

    /** The safetensors library refuses headers above 100 MB; so do we. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** One tensor's header entry; {@code dtype} is null when the dtype is not supported. */
    record Entry(String name, String dtypeName, Dtype dtype, long[] shape, long begin, long end) {
        long numel() {
            return SafetensorsHeader.numel(shape);
        }
    }

    private SafetensorsHeader() {}

    /**
     * Parses and validates a header.
     *
     * @param dataBytes size of the data section that follows the header
     * @param location the file, for error messages
     */
    static Map<String, Entry> parse(
            byte[] header, long dataBytes, String location, Map<String, String> metadataOut) {
        JsonNode root = Json.parse(new String(header, StandardCharsets.UTF_8), location);
        if (!root.isObject()) {
            throw bad(location, "header is not a JSON object");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().equals("__metadata__")) {
                f.getValue()
                        .fields()
                        .forEachRemaining(m -> metadataOut.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            entries.put(f.getKey(), entry(f.getKey(), f.getValue(), dataBytes, location));
        }
        return Collections.unmodifiableMap(entries);
    }

    private static Entry entry(String name, JsonNode node, long dataBytes, String location) {
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtypeNode == null
                || !dtypeNode.isTextual()
                || shapeNode == null
                || !shapeNode.isArray()
                || offsets == null
                || !offsets.isArray()
                || offsets.size() != 2) {
            throw bad(location, "tensor " + name + " has a malformed header entry " + node);
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw bad(location, "tensor " + name + " has an invalid shape " + shapeNode);
            }
            shape[i] = d.asLong();
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataBytes) {
            throw bad(
                    location,
                    String.format(
                            "tensor %s has data_offsets [%s, %s] outside the %d-byte data section",
                            name, offsets.get(0), offsets.get(1), dataBytes));
        }
        String dtypeName = dtypeNode.asText();
        Dtype dtype = Dtype.fromSafetensors(dtypeName);
        if (dtype != null && end - begin != Math.multiplyExact(numel(shape), dtype.bytes())) {
            throw bad(
                    location,
                    String.format(
                            "tensor %s of shape %s and dtype %s needs %d bytes, data_offsets give %d",
                            name,
                            Arrays.toString(shape),
                            dtypeName,
                            numel(shape) * dtype.bytes(),
                            end - begin));
        }
        return new Entry(name, dtypeName, dtype, shape, begin, end);
    }

    /**
     * Builds the header bytes for tensors written back to back in sorted name order, padded with
     * spaces to a multiple of 8 bytes as the safetensors library does (so data stays aligned).
     */
    static byte[] build(Map<String, long[]> shapes, Dtype dtype, Map<String, String> metadata) {
        ObjectNode root = Json.object();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, long[]> e : new TreeMap<>(shapes).entrySet()) {
            ObjectNode t = root.putObject(e.getKey());
            t.put("dtype", dtype.name());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.getValue()) {
                shape.add(d);
            }
            long size = Math.multiplyExact(numel(e.getValue()), dtype.bytes());
            t.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] json = Json.compact(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    static String shapeString(long[] shape) {
        return Arrays.toString(shape);
    }

    static List<Long> asList(long[] shape) {
        return Arrays.stream(shape).boxed().toList();
    }

    static IllegalArgumentException bad(String location, String what) {
        return new IllegalArgumentException("Cannot load checkpoint " + location + ": " + what);
    }
}
