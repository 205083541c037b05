package dev.ssb.bench;

import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.io.CheckpointWriter;
import dev.ssb.worker.io.Dtype;
import dev.ssb.worker.io.ExpectedWeights;
import dev.ssb.worker.io.TensorSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Random-weight Hugging Face checkpoints of a given shape, for benchmarks that need a real model
 * runtime before a trained checkpoint exists (throughput does not depend on the weights' values).
 */
final class RandomCheckpoints {

    private RandomCheckpoints() {}

    /**
     * Writes a checkpoint of {@code config} into {@code dir}, tokenizer files from {@code
     * tokenizerDir}.
     */
    static Path write(Path dir, ModelConfig config, Path tokenizerDir, long seed) {
        Map<String, long[]> shapes = ExpectedWeights.forConfig(config).shapes();
        Random random = new Random(seed);
        TensorSource source =
                new TensorSource() {
                    @Override
                    public Set<String> names() {
                        return shapes.keySet();
                    }

                    @Override
                    public long[] shape(String name) {
                        return shapes.get(name).clone();
                    }

                    @Override
                    public ByteBuffer readFloat32(String name) {
                        long n = 1;
                        for (long d : shapes.get(name)) {
                            n *= d;
                        }
                        ByteBuffer b =
                                ByteBuffer.allocateDirect(Math.toIntExact(4 * n))
                                        .order(ByteOrder.LITTLE_ENDIAN);
                        boolean norm = name.endsWith("norm.weight");
                        for (long i = 0; i < n; i++) {
                            b.putFloat(norm ? 1f : 0.2f * (float) random.nextGaussian());
                        }
                        return b.flip();
                    }

                    @Override
                    public void close() {}
                };
        CheckpointWriter.write(
                dir, config, source, CheckpointWriter.Options.of(Dtype.F32, tokenizerDir));
        return dir;
    }
}
