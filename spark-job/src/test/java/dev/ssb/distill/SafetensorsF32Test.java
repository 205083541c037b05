package dev.ssb.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.worker.api.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsF32Test {

    @TempDir Path dir;

    @Test
    void writesTheSafetensorsLayoutAndReadsItBack() throws Exception {
        Path file = dir.resolve("t.safetensors");
        HostTensor a =
                new HostTensor(new long[] {2, 2}, new float[] {1.5f, -2f, Float.MIN_VALUE, 3e38f});
        HostTensor b = new HostTensor(new long[] {3}, new float[] {7, 8, 9});
        SafetensorsF32.write(file, Map.of("b", b, "a", a), Map.of("step", "4"));

        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = buf.getLong();
        assertThat(headerLen % 8).isZero();
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertThat(header)
                .contains("\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}")
                .contains("\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]}")
                .contains("\"__metadata__\":{\"step\":\"4\"}");
        assertThat(bytes).hasSize(8 + (int) headerLen + 28);
        assertThat(buf.getFloat(8 + (int) headerLen + 16)).isEqualTo(7f);

        SafetensorsF32.Contents back = SafetensorsF32.read(file);
        assertThat(back.metadata()).containsEntry("step", "4");
        assertThat(back.tensors().get("a").shape()).containsExactly(2, 2);
        assertThat(back.tensors().get("a").data()).containsExactly(a.data());
        assertThat(back.tensors().get("b").data()).containsExactly(b.data());
    }

    @Test
    void rejectsOtherDtypes() throws Exception {
        Path file = dir.resolve("h.safetensors");
        byte[] json =
                "{\"x\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}"
                        .getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + json.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(json.length).put(json);
        Files.write(file, buf.array());
        assertThatThrownBy(() -> SafetensorsF32.read(file))
                .hasMessageContaining("tensor x has dtype F16 (must be F32)");
    }
}
