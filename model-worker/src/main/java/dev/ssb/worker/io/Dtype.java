package dev.ssb.worker.io;

import java.util.Locale;

/** Element types of safetensors tensors this package reads and writes; all widen to float32. */
public enum Dtype {
    F32(4, "float32"),
    F16(2, "float16"),
    BF16(2, "bfloat16");

    private final int bytes;
    private final String torchName;

    Dtype(int bytes, String torchName) {
        this.bytes = bytes;
        this.torchName = torchName;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The name in config.json's {@code torch_dtype}, e.g. {@code bfloat16}. */
    public String torchName() {
        return torchName;
    }

    /**
     * The dtype named in a safetensors header ({@code F32}, {@code F16}, {@code BF16}), or null.
     */
    static Dtype fromSafetensors(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** Parses a user-facing name: {@code f32}/{@code float32}, {@code f16}/{@code float16}, ... */
    public static Dtype parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Dtype d : values()) {
            if (d.name().toLowerCase(Locale.ROOT).equals(n) || d.torchName.equals(n)) {
                return d;
            }
        }
        throw new IllegalArgumentException(
                "Invalid dtype: " + name + " (supported: f32, f16, bf16)");
    }
}
