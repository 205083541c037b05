package dev.ssb.worker.toy.train;

import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.io.ExpectedWeights;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * GPT-2-style initial weights for training from scratch: matrices N(0, 0.02²), the projections that
 * write into the residual stream (o_proj, down_proj) scaled by 1/√(2·layers) so the stream's
 * variance does not grow with depth, biases 0, RMSNorm weights 1.
 */
final class ToyWeights {

    static final double STD = 0.02;

    private ToyWeights() {}

    static Map<String, HostTensor> initial(ModelConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double residualStd = STD / Math.sqrt(2.0 * config.numHiddenLayers());
        Map<String, HostTensor> out = new LinkedHashMap<>();
        // sorted names: the draws do not depend on map iteration order
        Map<String, long[]> shapes =
                new java.util.TreeMap<>(ExpectedWeights.forConfig(config).shapes());
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = e.getKey();
            HostTensor t = HostTensor.zeros(e.getValue());
            float[] v = t.data();
            if (name.endsWith("norm.weight")) {
                java.util.Arrays.fill(v, 1f);
            } else if (!name.endsWith(".bias")) {
                boolean residual =
                        name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight");
                double std = residual ? residualStd : STD;
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (std * random.nextGaussian());
                }
            }
            out.put(name, t);
        }
        return out;
    }
}
