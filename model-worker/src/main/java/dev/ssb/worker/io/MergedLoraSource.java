package dev.ssb.worker.io;

import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Base weights with a LoRA adapter folded in: {@code W' = W + (alpha / r) · B·A} for each adapted
 * projection ({@code W [out, in]}, {@code B [out, r]}, {@code A [r, in]}), computed when the tensor
 * is read. Other tensors pass through unchanged.
 */
final class MergedLoraSource implements TensorSource {

    private static final Pattern LORA_A =
            Pattern.compile(Pattern.quote(LoraShapes.PEFT_PREFIX) + "(.+)\\.lora_A\\.weight");

    private final TensorSource base;
    private final float scale;

    /** Base weight name to its {A, B}. */
    private final Map<String, HostTensor[]> pairs = new HashMap<>();

    MergedLoraSource(TensorSource base, LoraAdapter adapter) {
        this.base = base;
        this.scale = adapter.config().scale();
        for (Map.Entry<String, HostTensor> e : adapter.tensors().entrySet()) {
            Matcher m = LORA_A.matcher(e.getKey());
            if (!m.matches()) {
                continue;
            }
            String weight = m.group(1) + ".weight";
            String keyB = LoraShapes.PEFT_PREFIX + m.group(1) + ".lora_B.weight";
            HostTensor a = e.getValue();
            HostTensor b = adapter.tensors().get(keyB);
            if (b == null) {
                throw new IllegalArgumentException("Cannot merge adapter: missing key " + keyB);
            }
            if (!base.names().contains(weight)) {
                throw new IllegalArgumentException(
                        "Cannot merge adapter into " + base + ": missing tensor " + weight);
            }
            long[] w = base.shape(weight);
            long[] implied = {b.shape()[0], a.shape()[1]};
            if (a.shape()[0] != b.shape()[1] || !Arrays.equals(w, implied)) {
                throw new IllegalArgumentException(
                        String.format(
                                "Cannot merge adapter into %s: tensor %s has shape %s, adapter"
                                        + " implies %s (A %s, B %s)",
                                base,
                                weight,
                                Arrays.toString(w),
                                Arrays.toString(implied),
                                Arrays.toString(a.shape()),
                                Arrays.toString(b.shape())));
            }
            pairs.put(weight, new HostTensor[] {a, b});
        }
        for (String key : adapter.tensors().keySet()) {
            String a = key.replace(".lora_B.weight", ".lora_A.weight");
            if (key.endsWith(".lora_B.weight") && !adapter.tensors().containsKey(a)) {
                throw new IllegalArgumentException("Cannot merge adapter: missing key " + a);
            }
        }
    }

    @Override
    public Set<String> names() {
        return base.names();
    }

    @Override
    public long[] shape(String name) {
        return base.shape(name);
    }

    @Override
    public ByteBuffer readFloat32(String name) {
        HostTensor[] ab = pairs.get(name);
        if (ab == null) {
            return base.readFloat32(name);
        }
        FloatBuffer w = base.readFloat32(name).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] a = ab[0].data();
        float[] b = ab[1].data();
        int r = (int) ab[0].shape()[0];
        int in = (int) ab[0].shape()[1];
        int out = (int) ab[1].shape()[0];
        ByteBuffer result =
                ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(out, in), 4))
                        .order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer dst = result.asFloatBuffer();
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            w.get(o * in, row);
            for (int k = 0; k < r; k++) {
                float bk = scale * b[o * r + k];
                if (bk == 0f) {
                    continue;
                }
                int aRow = k * in;
                for (int i = 0; i < in; i++) {
                    row[i] += bk * a[aRow + i];
                }
            }
            dst.put(o * in, row);
        }
        return result;
    }

    @Override
    public void close() {
        base.close();
    }

    @Override
    public String toString() {
        return base + " + LoRA";
    }
}
