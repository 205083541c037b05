package dev.ssb.worker.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.ssb.worker.api.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir Path tmp;

    private static Map<String, HostTensor> sample() {
        SplittableRandom rnd = new SplittableRandom(11);
        Map<String, HostTensor> m = new LinkedHashMap<>();
        HostTensor w = HostTensor.zeros(3, 5);
        for (int i = 0; i < w.size(); i++) {
            w.data()[i] = (float) (rnd.nextGaussian() * 3);
        }
        w.data()[0] = 1f + 0x1p-8f + 0x1p-20f; // just above the tie between bf16 1 and 1 + 2^-7
        w.data()[1] = -0f;
        m.put("z.weight", w);
        m.put("a.bias", new HostTensor(new long[] {4}, new float[] {0.5f, -1e-3f, 70000f, 3e-8f}));
        m.put("scalar", new HostTensor(new long[] {}, new float[] {42f}));
        m.put("empty", new HostTensor(new long[] {0, 3}, new float[0]));
        return m;
    }

    @Test
    void f32RoundTripIsExact() {
        Map<String, HostTensor> in = sample();
        Path file = tmp.resolve("f32.safetensors");
        SafetensorsWriter.write(file, in, Dtype.F32);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.names()).containsExactlyInAnyOrderElementsOf(in.keySet());
            for (var e : in.entrySet()) {
                assertThat(f.dtype(e.getKey())).isEqualTo(Dtype.F32);
                assertThat(f.shape(e.getKey())).isEqualTo(e.getValue().shape());
                assertThat(TestCheckpoints.floats(f.readFloat32(e.getKey())))
                        .isEqualTo(e.getValue().data());
            }
            assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"));
        }
    }

    @Test
    void f16RoundTripRoundsEachValueToTheNearestHalf() {
        Map<String, HostTensor> in = sample();
        Path file = tmp.resolve("f16.safetensors");
        SafetensorsWriter.write(file, in, Dtype.F16);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (var e : in.entrySet()) {
                assertThat(f.dtype(e.getKey())).isEqualTo(Dtype.F16);
                float[] got = TestCheckpoints.floats(f.readFloat32(e.getKey()));
                float[] want = e.getValue().data();
                assertThat(got).hasSameSizeAs(want);
                for (int i = 0; i < want.length; i++) {
                    if (Math.abs(want[i]) > 65504f) {
                        assertThat(got[i]).isInfinite();
                    } else {
                        // half precision: 11 significant bits, subnormal step 2^-24
                        double tol = Math.max(Math.abs(want[i]) * 0x1p-11, 0x1p-25);
                        assertThat((double) got[i]).isCloseTo(want[i], offset(tol));
                    }
                }
            }
            assertThat(f.readFloat32("z.weight").getFloat(4)).isEqualTo(-0f);
        }
    }

    @Test
    void bf16RoundTripMatchesTheBitPatternReference() {
        Map<String, HostTensor> in = sample();
        byte[] bytes = SafetensorsWriter.toBytes(in, Dtype.BF16);
        try (SafetensorsFile f = SafetensorsFile.fromBytes(ByteBuffer.wrap(bytes), "mem")) {
            for (var e : in.entrySet()) {
                float[] got = TestCheckpoints.floats(f.readFloat32(e.getKey()));
                float[] want = e.getValue().data();
                for (int i = 0; i < want.length; i++) {
                    int bits = Float.floatToRawIntBits(want[i]);
                    int lower = bits & 0xffff;
                    int upper = bits >>> 16;
                    if (lower > 0x8000 || (lower == 0x8000 && (upper & 1) == 1)) {
                        upper++;
                    }
                    assertThat(Float.floatToRawIntBits(got[i])).isEqualTo(upper << 16);
                }
            }
            assertThat(f.readFloat32("z.weight").getFloat(0)).isEqualTo(1f + 0x1p-7f);
        }
    }

    @Test
    void headerIsPaddedSortedAndCarriesFormatMetadata() throws IOException {
        Path file = tmp.resolve("h.safetensors");
        SafetensorsWriter.write(file, sample(), Dtype.F16);
        byte[] all = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertThat(n % 8).isZero();
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header)
                .startsWith(
                        "{\"__metadata__\":{\"format\":\"pt\"},\"a.bias\":{\"dtype\":\"F16\","
                                + "\"shape\":[4],\"data_offsets\":[0,8]},\"empty\":")
                .contains("\"scalar\":{\"dtype\":\"F16\",\"shape\":[],\"data_offsets\":[8,10]}")
                .contains(
                        "\"z.weight\":{\"dtype\":\"F16\",\"shape\":[3,5],\"data_offsets\":[10,40]}");
        assertThat(header.stripTrailing()).endsWith("}");
        assertThat(all.length).isEqualTo(8 + n + 40);
    }

    @Test
    void f32TensorsAreReadOnlyViewsOfTheMapping() {
        Path file = tmp.resolve("v.safetensors");
        SafetensorsWriter.write(file, sample(), Dtype.F32);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            ByteBuffer b = f.readFloat32("z.weight");
            assertThat(b).isInstanceOf(MappedByteBuffer.class);
            assertThat(b.isDirect()).isTrue();
            assertThat(b.isReadOnly()).isTrue();
            assertThat(b.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.position()).isZero();
            assertThat(b.remaining()).isEqualTo(15 * 4);
        }
    }

    @Test
    void widenedTensorsAreDirectLittleEndianBuffers() {
        Path file = tmp.resolve("w.safetensors");
        SafetensorsWriter.write(file, sample(), Dtype.BF16);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            ByteBuffer b = f.readFloat32("a.bias");
            assertThat(b.isDirect()).isTrue();
            assertThat(b.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.remaining()).isEqualTo(16);
            assertThat(b.getFloat(0)).isEqualTo(0.5f);
        }
    }

    @Test
    void rejectsUnsupportedDtypeNamingTheTensor() {
        byte[] raw =
                TestCheckpoints.rawSafetensors(
                        "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16);
        try (SafetensorsFile f =
                SafetensorsFile.fromBytes(ByteBuffer.wrap(raw), "odd.safetensors")) {
            assertThat(f.shape("ids")).containsExactly(2);
            assertThatThrownBy(() -> f.readFloat32("ids"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(
                            "Cannot load checkpoint odd.safetensors: tensor ids has unsupported dtype I64");
        }
    }

    @Test
    void rejectsOffsetsBeyondTheFile() throws IOException {
        byte[] raw =
                TestCheckpoints.rawSafetensors(
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 12);
        Path file = tmp.resolve("short.safetensors");
        Files.write(file, raw);
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot load checkpoint " + file)
                .hasMessageContaining(
                        "tensor w has data_offsets [0, 16] outside the 12-byte data section");
    }

    @Test
    void rejectsOffsetsDisagreeingWithTheShape() {
        byte[] raw =
                TestCheckpoints.rawSafetensors(
                        "{\"w\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16);
        assertThatThrownBy(() -> SafetensorsFile.fromBytes(ByteBuffer.wrap(raw), "m"))
                .hasMessage(
                        "Cannot load checkpoint m: tensor w of shape [4] and dtype F16 needs 8 bytes,"
                                + " data_offsets give 16");
    }

    @Test
    void rejectsAHeaderLongerThanTheFile() throws IOException {
        Path file = tmp.resolve("trunc.safetensors");
        Files.write(
                file, ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array());
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .hasMessage(
                        "Cannot load checkpoint "
                                + file
                                + ": invalid safetensors header length 100 for a file of 12 bytes");
    }

    @Test
    void missingTensorAndMissingFileAreNamed() {
        Path file = tmp.resolve("m.safetensors");
        SafetensorsWriter.write(file, sample(), Dtype.F32);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThatThrownBy(() -> f.readFloat32("nope"))
                    .hasMessage("Cannot load checkpoint " + file + ": missing tensor nope");
        }
        assertThatThrownBy(() -> SafetensorsFile.open(tmp.resolve("absent.safetensors")))
                .hasMessageContaining("absent.safetensors: no such file");
    }
}
