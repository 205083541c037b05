package dev.ssb.worker.io;

import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Tiny configs, random weights and hand-made safetensors bytes for the io tests. */
final class TestCheckpoints {

    private TestCheckpoints() {}

    /** qwen2: q/k/v bias, tied embeddings, grouped KV heads (4 query heads, 2 KV heads). */
    static ModelConfig tinyQwen2() {
        return new ModelConfig(
                "qwen2",
                16,
                24,
                2,
                4,
                2,
                4,
                1_000_000.0,
                1e-6,
                40,
                true,
                true,
                64,
                -1,
                List.of(7, 8));
    }

    /** llama: no bias, untied LM head. */
    static ModelConfig tinyLlama() {
        return new ModelConfig(
                "llama", 8, 12, 1, 2, 2, 4, 10_000.0, 1e-5, 30, false, false, 32, 1, List.of(2));
    }

    /** Random weights with exactly the tensors and shapes the config implies. */
    static Map<String, HostTensor> randomWeights(ModelConfig config, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, HostTensor> out = new LinkedHashMap<>();
        ExpectedWeights.forConfig(config)
                .shapes()
                .forEach(
                        (name, shape) -> {
                            HostTensor t = HostTensor.zeros(shape);
                            for (int i = 0; i < t.size(); i++) {
                                t.data()[i] = (float) rnd.nextGaussian();
                            }
                            out.put(name, t);
                        });
        return out;
    }

    /** Writes config.json + model.safetensors (F32) into {@code dir}. */
    static Path writeSingleFile(Path dir, ModelConfig config, Map<String, HostTensor> weights) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ConfigJson.write(dir, config, Dtype.F32);
        SafetensorsWriter.write(dir.resolve(CheckpointDirectory.SINGLE_FILE), weights, Dtype.F32);
        return dir;
    }

    /**
     * A safetensors file built by hand: {@code headerJson} (padded to 8 bytes) then {@code
     * dataBytes} zero bytes.
     */
    static byte[] rawSafetensors(String headerJson, int dataBytes) {
        byte[] json = headerJson.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate(8 + padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        return buf.array();
    }

    static float[] floats(ByteBuffer littleEndian) {
        float[] out = new float[littleEndian.remaining() / 4];
        littleEndian.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
