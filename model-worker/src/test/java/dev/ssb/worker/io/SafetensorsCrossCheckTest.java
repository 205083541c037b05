package dev.ssb.worker.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ssb.worker.api.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java ↔ numpy cross-check (see src/test/resources/dev/ssb/worker/io/README.md). */
class SafetensorsCrossCheckTest {

    @TempDir Path tmp;

    @Test
    void pythonAgreesWithJavaOnEveryDtype() throws Exception {
        float[] values = values();
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        Files.write(tmp.resolve("values.f32"), raw.array());
        Map<String, HostTensor> x = Map.of("x", new HostTensor(new long[] {values.length}, values));
        SafetensorsWriter.write(tmp.resolve("f32.safetensors"), x, Dtype.F32);
        SafetensorsWriter.write(tmp.resolve("f16.safetensors"), x, Dtype.F16);
        SafetensorsWriter.write(tmp.resolve("bf16.safetensors"), x, Dtype.BF16);

        Path script = Path.of(getClass().getResource("safetensors_crosscheck.py").toURI());
        String out = runPython(script.toString(), tmp.toString());
        assertThat(out).isEqualTo("OK");

        float[] expected =
                TestCheckpoints.floats(
                        ByteBuffer.wrap(Files.readAllBytes(tmp.resolve("python_expected.f32"))));
        try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("python.safetensors"))) {
            assertThat(f.dtype("h")).isEqualTo(Dtype.F16);
            assertThat(f.dtype("b")).isEqualTo(Dtype.BF16);
            assertThat(f.shape("h")).containsExactly(2, values.length / 2);
            float[] h = TestCheckpoints.floats(f.readFloat32("h"));
            float[] b = TestCheckpoints.floats(f.readFloat32("b"));
            float[] got = new float[h.length + b.length];
            System.arraycopy(h, 0, got, 0, h.length);
            System.arraycopy(b, 0, got, h.length, b.length);
            assertThat(got).hasSameSizeAs(expected);
            for (int i = 0; i < got.length; i++) {
                if (!(Float.isNaN(got[i]) && Float.isNaN(expected[i]))) {
                    assertThat(Float.floatToIntBits(got[i]))
                            .as("value %d", i)
                            .isEqualTo(Float.floatToIntBits(expected[i]));
                }
            }
        }
    }

    /** Random magnitudes from subnormal to overflow, plus ties and special values. */
    private static float[] values() {
        SplittableRandom rnd = new SplittableRandom(17);
        float[] special = {
            0f,
            -0f,
            1f,
            -2.5f,
            65504f,
            65519f,
            65520f,
            1e6f,
            0x1p-24f,
            0x1p-25f,
            3 * 0x1p-25f,
            1f + 0x1p-11f,
            1f + 3 * 0x1p-11f,
            1f + 0x1p-8f,
            1f + 3 * 0x1p-8f,
            Float.MAX_VALUE,
            Float.MIN_VALUE,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.NaN
        };
        float[] v = new float[4000];
        System.arraycopy(special, 0, v, 0, special.length);
        for (int i = special.length; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(-30, 20)));
        }
        return v;
    }

    private static String runPython(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "python3";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 not available: " + e.getMessage());
            throw e;
        }
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assumeTrue(!out.contains("No module named 'numpy'"), "numpy not available");
        assertThat(done).as("python finished").isTrue();
        return out;
    }
}
