package dev.ssb.worker.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ssb.worker.api.AdamW;
import dev.ssb.worker.api.AdamWConfig;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LrSchedule;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * api.AdamW against adamw_reference.py (PyTorch's AdamW written out in numpy float64), whose output
 * is the golden file adamw_reference.json next to it.
 */
class AdamWTest {

    private static JsonNode golden() throws IOException {
        try (InputStream in = AdamWTest.class.getResourceAsStream("adamw_reference.json")) {
            return JsonMapper.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .build()
                    .readTree(in);
        }
    }

    private static AdamWConfig config(JsonNode c) {
        return new AdamWConfig(
                c.get("lr").asDouble(),
                c.get("beta1").asDouble(),
                c.get("beta2").asDouble(),
                c.get("eps").asDouble(),
                c.get("weightDecay").asDouble(),
                c.get("maxGradNorm").asDouble(),
                c.get("warmupSteps").asLong(),
                c.get("totalSteps").asLong(),
                LrSchedule.valueOf(c.get("schedule").asText()));
    }

    private static Map<String, HostTensor> tensors(JsonNode values, JsonNode shapes) {
        Map<String, HostTensor> out = new TreeMap<>();
        for (Iterator<String> it = values.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonNode v = values.get(name);
            float[] data = new float[v.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) v.get(i).asDouble();
            }
            JsonNode s = shapes.get(name);
            long[] shape = new long[s.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = s.get(i).asLong();
            }
            out.put(name, new HostTensor(shape, data));
        }
        return out;
    }

    private static void assertClose(
            Map<String, HostTensor> actual, JsonNode expected, String what) {
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(fieldNames(expected));
        actual.forEach(
                (name, t) -> {
                    JsonNode e = expected.get(name);
                    for (int i = 0; i < t.size(); i++) {
                        double want = e.get(i).asDouble();
                        assertThat((double) t.data()[i])
                                .as("%s %s[%s]", what, name, i)
                                .isCloseTo(want, within(1e-6 + 2e-6 * Math.abs(want)));
                    }
                });
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void matchesPytorchAdamWReferenceOverThreeSteps() throws IOException {
        for (JsonNode scenario : golden()) {
            String name = scenario.get("name").asText();
            JsonNode shapes = scenario.get("shapes");
            AdamW adamw = new AdamW(config(scenario.get("config")));
            Map<String, HostTensor> params = tensors(scenario.get("params"), shapes);
            for (int s = 0; s < 3; s++) {
                JsonNode step = scenario.get("steps").get(s);
                Map<String, HostTensor> grads = tensors(scenario.get("grads").get(s), shapes);
                double norm = adamw.step(params, grads);
                assertThat(norm)
                        .as("%s step %s grad norm", name, s + 1)
                        .isCloseTo(step.get("gradNorm").asDouble(), within(1e-9));
                assertThat(adamw.lastLr()).isCloseTo(step.get("lr").asDouble(), within(1e-15));
                assertClose(params, step.get("params"), name + " step " + (s + 1) + " param");
                AdamW.State state = adamw.exportState();
                assertThat(state.step()).isEqualTo(s + 1);
                assertClose(state.expAvg(), step.get("expAvg"), name + " exp_avg");
                assertClose(state.expAvgSq(), step.get("expAvgSq"), name + " exp_avg_sq");
            }
        }
    }

    @Test
    void importedStateResumesExactly() throws IOException {
        JsonNode scenario = golden().get(0);
        JsonNode shapes = scenario.get("shapes");
        AdamWConfig cfg = config(scenario.get("config"));
        AdamW first = new AdamW(cfg);
        Map<String, HostTensor> params = tensors(scenario.get("params"), shapes);
        first.step(params, tensors(scenario.get("grads").get(0), shapes));
        AdamW.State saved = first.exportState();
        assertThat(saved.expAvg().get("a").shape()).containsExactly(2, 3);

        AdamW resumed = new AdamW(cfg);
        resumed.importState(saved);
        first.step(params, tensors(scenario.get("grads").get(1), shapes)); // must not alias saved
        Map<String, HostTensor> again = tensors(scenario.get("steps").get(0).get("params"), shapes);
        resumed.step(again, tensors(scenario.get("grads").get(1), shapes));
        assertClose(again, scenario.get("steps").get(1).get("params"), "resumed");
        assertThat(resumed.stepCount()).isEqualTo(2);
    }

    @Test
    void scheduleWarmsUpThenDecays() {
        AdamWConfig cosine =
                AdamWConfig.defaults(10).withLr(1.0).withSchedule(LrSchedule.COSINE, 2, 6);
        assertThat(cosine.lrAt(0)).isEqualTo(0.5);
        assertThat(cosine.lrAt(1)).isEqualTo(1.0);
        assertThat(cosine.lrAt(2)).isEqualTo(1.0);
        assertThat(cosine.lrAt(4)).isCloseTo(0.5, within(1e-12));
        assertThat(cosine.lrAt(5)).isCloseTo(0.5 * (1 + Math.cos(Math.PI * 0.75)), within(1e-12));
        AdamWConfig linear = cosine.withSchedule(LrSchedule.LINEAR, 0, 4);
        assertThat(linear.lrAt(3)).isEqualTo(0.25);
        assertThat(cosine.withSchedule(LrSchedule.CONSTANT, 0, 1).lrAt(100)).isEqualTo(1.0);
    }

    @Test
    void rejectsMismatchedGradients() {
        AdamW adamw = new AdamW(AdamWConfig.defaults(1));
        Map<String, HostTensor> params = Map.of("w", HostTensor.zeros(2, 2));
        assertThatThrownBy(() -> adamw.step(params, Map.of("x", HostTensor.zeros(2, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot step: parameters [w] but gradients for [x]");
        assertThatThrownBy(() -> adamw.step(params, Map.of("w", HostTensor.zeros(4))))
                .hasMessage("Cannot step: gradient of w has shape [4], parameter [2, 2]");
        HostTensor nan = new HostTensor(new long[] {2, 2}, new float[] {0, Float.NaN, 0, 0});
        assertThatThrownBy(() -> adamw.step(params, Map.of("w", nan)))
                .hasMessage("Cannot step: gradient norm is NaN");
        assertThat(adamw.stepCount()).isZero();
    }

    @Test
    void configNamesTheInvalidField() {
        AdamWConfig ok = AdamWConfig.defaults(10);
        assertThatThrownBy(() -> ok.withLr(0)).hasMessage("Invalid lr: 0.0 (must be > 0)");
        assertThatThrownBy(() -> ok.withWeightDecay(-1))
                .hasMessage("Invalid weight_decay: -1.0 (must be >= 0)");
        assertThatThrownBy(() -> ok.withMaxGradNorm(0))
                .hasMessage("Invalid max_grad_norm: 0.0 (must be > 0 or Infinity)");
        assertThatThrownBy(() -> ok.withSchedule(LrSchedule.LINEAR, 5, 5))
                .hasMessageStartingWith("Invalid total_steps: 5 (must exceed warmup_steps 5");
        assertThatThrownBy(
                        () ->
                                new AdamWConfig(
                                        1e-3, 1.0, 0.999, 1e-8, 0, 1, 0, 1, LrSchedule.CONSTANT))
                .hasMessage("Invalid beta1: 1.0 (must be in [0, 1))");
    }
}
