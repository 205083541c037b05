package dev.ssb.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.AdamW;
import dev.ssb.worker.api.AdamWConfig;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LrSchedule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeviceAdamWTest {

    @Test
    void matchesHostAdamWWithDecayClippingAndSchedule() {
        AdamWConfig cfg = new AdamWConfig(0.05, 0.9, 0.99, 1e-8, 0.1, 1.0, 1, 5, LrSchedule.COSINE);
        Random random = new Random(3);
        long[][] shapes = {{3, 4}, {5}};
        Map<String, HostTensor> host = new LinkedHashMap<>();
        for (int i = 0; i < shapes.length; i++) {
            host.put("w" + i, KdFixtures.random(shapes[i], 1.0, random));
        }
        AdamW reference = new AdamW(cfg);
        try (NDManager manager = NDManager.newBaseManager();
                DeviceAdamW device = new DeviceAdamW(cfg, manager)) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            host.forEach(
                    (k, t) ->
                            params.put(k, manager.create(t.data().clone(), new Shape(t.shape()))));
            int arrays = -1;
            for (int step = 0; step < 4; step++) {
                double gradScale = step % 2 == 0 ? 2.0 : 0.05; // clipped, then not clipped
                Map<String, HostTensor> g = new LinkedHashMap<>();
                Map<String, NDArray> gd = new LinkedHashMap<>();
                for (Map.Entry<String, HostTensor> e : host.entrySet()) {
                    HostTensor t = KdFixtures.random(e.getValue().shape(), gradScale, random);
                    g.put(e.getKey(), t);
                    gd.put(e.getKey(), manager.create(t.data(), new Shape(t.shape())));
                }
                double hostNorm = reference.step(host, g);
                double deviceNorm = device.step(params, gd);
                assertThat(deviceNorm).isCloseTo(hostNorm, within(1e-5 * hostNorm));
                assertThat(device.lastLr()).isEqualTo(reference.lastLr());
                for (String k : host.keySet()) {
                    float[] want = host.get(k).data();
                    float[] got = params.get(k).toFloatArray();
                    for (int i = 0; i < want.length; i++) {
                        assertThat(got[i])
                                .as("step %s %s[%s]", step, k, i)
                                .isCloseTo(want[i], within(1e-5f + 1e-5f * Math.abs(want[i])));
                    }
                }
                gd.values().forEach(NDArray::close);
                int now = manager.getManagedArrays().size();
                if (arrays >= 0) {
                    assertThat(now).as("no arrays left behind by a step").isEqualTo(arrays);
                }
                arrays = now;
            }
            assertThat(device.stepCount()).isEqualTo(4);
        }
    }
}
